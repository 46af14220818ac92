"""The table of Bot API methods the fake implements, looked up case-insensitively.

Telegram accepts method names in any letter case (``getme`` works); the table maps them to the
canonical name used in ``ApiCall.method`` and to the implementation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from . import bot_settings, chats, editing, media, paid_broadcast, polling, sending
from .params import Params
from .world import World

Method = Callable[[World, Params], Awaitable[Any]]

METHODS: dict[str, Method] = {
    **bot_settings.METHODS,
    **polling.METHODS,
    **sending.METHODS,
    **editing.METHODS,
    **chats.METHODS,
    **media.METHODS,
    **paid_broadcast.METHODS,
}
_BY_LOWER_NAME = {name.lower(): (name, method) for name, method in METHODS.items()}


def find_method(name: str) -> tuple[str, Method] | None:
    """``(canonical name, implementation)`` or ``None`` for an unknown method."""
    return _BY_LOWER_NAME.get(name.lower())
