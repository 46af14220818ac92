"""Bot API methods that put a new message into a chat: send*, copyMessage, forwardMessage.

Each result is the message Telegram would store (``from`` = the bot), and each is kept in the
world so tests can read what the bot sent. Forwards are also logged in ``world.forwards``: the
product promises that tips reach staff only as copies, and tests assert that list stays empty.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import bad_request
from .formatting import caption_fields, message_text
from .media import input_file, media_object
from .params import Params
from .world import FakeChat, ForwardRecord, World

Method = Callable[[World, Params], Awaitable[Any]]
# Fields that make up a message's content (what copyMessage/forwardMessage carry over).
CONTENT_KEYS = (
    "text", "entities", "link_preview_options", "photo", "video", "document", "voice", "audio",
    "animation", "sticker", "video_note", "location", "contact", "poll", "caption",
    "caption_entities", "has_media_spoiler", "media_group_id",
)  # fmt: skip
MEDIA_META = ("width", "height", "duration", "performer", "title", "emoji", "length")


def validate_inline_keyboard(markup: dict[str, Any]) -> None:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard: rows must be arrays of buttons")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
        if "callback_data" in button:
            size = len(str(button["callback_data"]).encode("utf-8"))
            if not 1 <= size <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        elif "url" in button:
            url = str(button["url"])
            if not url.startswith(("http://", "https://", "tg://")) or " " in url:
                raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
        elif not set(button) - {"text"}:
            raise bad_request("text buttons are unallowed in the inline keyboard")


def _reply_fields(world: World, p: Params, chat: FakeChat) -> dict[str, Any]:
    """``reply_to_message``, ``reply_markup`` and protection, shared by every send method."""
    fields: dict[str, Any] = {}
    reply = p.mapping("reply_parameters") or {}
    reply_id = reply.get("message_id", p.optional_integer("reply_to_message_id"))
    if reply_id is not None:
        target_chat = reply.get("chat_id", chat.id)
        target = world.message(target_chat, int(reply_id)) if isinstance(target_chat, int) else None
        if target is not None:
            fields["reply_to_message"] = {
                k: copy.deepcopy(v) for k, v in target.items() if k != "reply_to_message"
            }
        elif not (
            reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply")
        ):
            raise bad_request("message to be replied not found")
    markup = p.mapping("reply_markup")
    if markup is not None and "inline_keyboard" in markup:
        validate_inline_keyboard(markup)
        # Telegram echoes only inline keyboards back in the message object.
        fields["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
    if p.flag("protect_content"):
        fields["has_protected_content"] = True
    return fields


async def send_message(world: World, p: Params) -> dict[str, Any]:
    chat = world.usable_chat(p.require("chat_id"))
    content = message_text(p.string("text"), p.string("parse_mode"), p.sequence("entities"))
    if p.mapping("link_preview_options"):
        content["link_preview_options"] = p.mapping("link_preview_options")
    content.update(_reply_fields(world, p, chat))
    return world.add_message(chat, world.bot, content)


def media_sender(kind: str) -> Method:
    """``sendPhoto``, ``sendDocument``… differ only in the media field's name."""

    async def send_media(world: World, p: Params) -> dict[str, Any]:
        chat = world.usable_chat(p.require("chat_id"))
        content = caption_fields(
            p.string("caption"), p.string("parse_mode"), p.sequence("caption_entities")
        )
        stored = input_file(world, p, kind)
        meta = {name: p.get(name) for name in MEDIA_META}
        content[kind] = media_object(world, kind, stored, **meta)
        if p.flag("has_spoiler"):
            content["has_media_spoiler"] = True
        content.update(_reply_fields(world, p, chat))
        return world.add_message(chat, world.bot, content)

    send_media.__name__ = f"send_{kind}"
    return send_media


async def send_location(world: World, p: Params) -> dict[str, Any]:
    chat = world.usable_chat(p.require("chat_id"))
    latitude, longitude = p.require("latitude"), p.require("longitude")
    if not isinstance(latitude, float | int) or not -90 <= latitude <= 90:
        raise bad_request("wrong latitude")
    if not isinstance(longitude, float | int) or not -180 <= longitude <= 180:
        raise bad_request("wrong longitude")
    content: dict[str, Any] = {"location": {"latitude": latitude, "longitude": longitude}}
    content.update(_reply_fields(world, p, chat))
    return world.add_message(chat, world.bot, content)


async def send_media_group(world: World, p: Params) -> list[dict[str, Any]]:
    chat = world.usable_chat(p.require("chat_id"))
    items = p.sequence("media") or []
    if not 2 <= len(items) <= 10:
        raise bad_request("wrong number of messages in a media group, must be 2-10")
    group_id = str(10_000_000_000 + world.next_id())
    contents: list[dict[str, Any]] = []
    for item in items:
        kind = item.get("type")
        if kind not in ("photo", "video", "document", "audio"):
            raise bad_request(f"unsupported media type {kind!r} in a media group")
        stored = input_file(world, Params({kind: item.get("media")}, p.files), kind)
        content = caption_fields(
            item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
        )
        meta = {name: item.get(name) for name in MEDIA_META}
        content.update(
            {kind: media_object(world, kind, stored, **meta), "media_group_id": group_id}
        )
        contents.append(content)
    replies = _reply_fields(world, Params({**p.values, "reply_markup": None}), chat)
    return [world.add_message(chat, world.bot, {**c, **replies}) for c in contents]


def _source_message(world: World, p: Params, action: str) -> dict[str, Any]:
    source_chat = world.find_chat(p.require("from_chat_id"))
    source = world.message(source_chat.id, p.integer("message_id"))
    if source is None:
        raise bad_request(f"message to {action} not found")
    if source.get("has_protected_content") or not any(k in source for k in CONTENT_KEYS):
        raise bad_request(f"message can't be {'copied' if action == 'copy' else 'forwarded'}")
    return source


async def copy_message(world: World, p: Params) -> dict[str, Any]:
    source = _source_message(world, p, "copy")
    chat = world.usable_chat(p.require("chat_id"))
    content = {k: copy.deepcopy(source[k]) for k in CONTENT_KEYS if k in source}
    content.pop("media_group_id", None)
    if p.has("caption") and "text" not in content:
        content.pop("caption", None)
        content.pop("caption_entities", None)
        content.update(
            caption_fields(
                p.string("caption"), p.string("parse_mode"), p.sequence("caption_entities")
            )
        )
    content.update(_reply_fields(world, p, chat))
    message = world.add_message(chat, world.bot, content)
    return {"message_id": message["message_id"]}


async def forward_message(world: World, p: Params) -> dict[str, Any]:
    source = _source_message(world, p, "forward")
    chat = world.usable_chat(p.require("chat_id"))
    content = {k: copy.deepcopy(source[k]) for k in CONTENT_KEYS if k in source}
    content["forward_origin"] = source.get("forward_origin") or {
        "type": "user", "sender_user": source["from"], "date": source["date"],
    }  # fmt: skip
    if p.flag("protect_content"):
        content["has_protected_content"] = True
    message = world.add_message(chat, world.bot, content)
    world.forwards.append(
        ForwardRecord(source["chat"]["id"], source["message_id"], chat.id, copy.deepcopy(message))
    )
    return message


METHODS: dict[str, Method] = {
    "sendMessage": send_message,
    "sendPhoto": media_sender("photo"),
    "sendVideo": media_sender("video"),
    "sendDocument": media_sender("document"),
    "sendVoice": media_sender("voice"),
    "sendAudio": media_sender("audio"),
    "sendAnimation": media_sender("animation"),
    "sendSticker": media_sender("sticker"),
    "sendVideoNote": media_sender("video_note"),
    "sendLocation": send_location,
    "sendMediaGroup": send_media_group,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
}
