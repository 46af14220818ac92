"""One Zalo Bot update (from ``getUpdates`` or the webhook) as plain data (:class:`BotUpdate`).

The platform's documentation gives an update as ``{"event_name": …, "message": {"from": {"id",
"display_name"}, "chat": {"id", "chat_type"}, "message_id", "date", "text" | "photo" |
"sticker"}}``; ``getUpdates`` returns it as the envelope's ``result``, and the webhook posts it
either wrapped the same way (the documentation) or bare at the top level (as public clients
observe): both are read. ``getUpdates`` has no ``update_id``: ``message_id`` is what makes an
update the same update (SPEC §13). A photo (``message.image.received``) links its file in
``photo`` (``photo_url`` in some clients' reading: either is taken) with its words in
``caption``.

The chat, the sender and the words are a tipster's identity and words: left out of the
``repr``, and the display name is never read at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from channels.zalo_bot.addresses import chat_address
from core.address import Address, AddressError


class UpdateKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    STICKER = "sticker"
    OTHER = "other"


_KINDS = {"message.text.received": UpdateKind.TEXT, "message.image.received": UpdateKind.IMAGE,
          "message.sticker.received": UpdateKind.STICKER}


@dataclass(frozen=True)
class BotUpdate:
    kind: UpdateKind
    event_name: str
    message_id: str
    chat: Address = field(repr=False)
    private: bool  # chat_type PRIVATE: a person's 1:1 chat with the bot
    text: str = field(default="", repr=False)
    photo_url: str = field(default="", repr=False)  # a link to the platform's CDN


def update_of(payload: Any) -> BotUpdate | None:
    """The update in ``payload`` (wrapped in an envelope or bare), or None when it names no
    message and chat the bot could answer."""
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("result"), dict):
        payload = payload["result"]
    message = payload.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id, message_id = str(chat.get("id") or ""), str(message.get("message_id") or "")
    if not chat_id or not message_id:
        return None
    try:
        address = chat_address(chat_id)
    except AddressError:
        return None
    event_name = str(payload.get("event_name") or "")
    kind = _KINDS.get(event_name, UpdateKind.OTHER)
    text = message.get("text") if kind is UpdateKind.TEXT else (
        message.get("caption") if kind is UpdateKind.IMAGE else None)
    photo = message.get("photo") or message.get("photo_url") if kind is UpdateKind.IMAGE else ""
    return BotUpdate(kind=kind, event_name=event_name,
                     message_id=message_id, chat=address,
                     private=str(chat.get("chat_type") or "PRIVATE").upper() == "PRIVATE",
                     text=text if isinstance(text, str) else "",
                     photo_url=photo if isinstance(photo, str) else "")
