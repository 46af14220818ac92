"""What the Zalo Bot emulator holds: the people who chat with the bot, the updates waiting for
``getUpdates``, the messages the bot sent and the calls it received.

Zalo Bot ids are opaque strings: a user's id (also their private chat's id) and a message id are
20 hex digits in the platform's samples (``"e4ea2cd5189df1c3a88c"``, ``"16f6366b3f02645a3d15"``);
the bot's own id is decimal. The emulator makes ids of the same shapes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any


def new_hex_id() -> str:
    return secrets.token_hex(10)


@dataclass
class ZaloBotUser:
    """A Zalo user chatting with the bot; their private chat has the same id."""

    id: str
    display_name: str
    blocked_bot: bool = False  # the person blocked the bot: sends to them are refused (403)


@dataclass(frozen=True)
class SentMessage:
    message_id: str
    chat_id: str
    method: str  # sendMessage, sendPhoto, sendSticker
    body: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ApiCall:
    method: str
    chat_id: str | None
    body: dict[str, Any] = field(repr=False)


def update_of(user: ZaloBotUser, message: dict[str, Any], event_name: str, date_ms: int,
              message_id: str | None = None) -> dict[str, Any]:
    """One update as ``getUpdates`` and the webhook carry it (``result`` of the envelope)."""
    return {
        "event_name": event_name,
        "message": {
            "from": {"id": user.id, "display_name": user.display_name, "is_bot": False},
            "chat": {"id": user.id, "chat_type": "PRIVATE"},
            "message_id": message_id or new_hex_id(),
            "date": date_ms,
            **message,
        },
    }
