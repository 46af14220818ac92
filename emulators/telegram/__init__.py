"""A fake Telegram Bot API over real HTTP, for end-to-end tests and the offline shell.

Standard library only; runs in the test's event loop. See :class:`FakeTelegramAPI`.
"""

from .errors import ApiError
from .fake import DEFAULT_TOKEN, FakeTelegramAPI
from .user_actions import TINY_PNG
from .world import ApiCall, FakeChat, FakeUser, ForwardRecord, StoredFile

__all__ = [
    "DEFAULT_TOKEN",
    "TINY_PNG",
    "ApiCall",
    "ApiError",
    "FakeChat",
    "FakeTelegramAPI",
    "FakeUser",
    "ForwardRecord",
    "StoredFile",
]
