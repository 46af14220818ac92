"""An emulator of the Zalo Bot Platform's Bot API (getMe, getUpdates without offset, webhooks
with ``X-Bot-Api-Secret-Token``, sendMessage, sendPhoto, sendChatAction) over real HTTP on
127.0.0.1. See :class:`FakeZaloBot`."""

from .errors import BotApiError
from .fake import BOT_ID, TEXT_LIMIT, TOKEN, FakeZaloBot
from .user_side import SECRET_HEADER
from .world import SentMessage, ZaloBotUser

__all__ = [
    "BOT_ID",
    "SECRET_HEADER",
    "TEXT_LIMIT",
    "TOKEN",
    "BotApiError",
    "FakeZaloBot",
    "SentMessage",
    "ZaloBotUser",
]
