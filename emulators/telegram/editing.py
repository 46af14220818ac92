"""Bot API methods that change or remove existing messages, and ``answerCallbackQuery``.

Telegram is strict here and bots often trip over it: editing with identical content fails with
"message is not modified", editing text without ``reply_markup`` drops the inline keyboard, a
callback query can be answered only once, and in groups only an admin bot may delete other
people's messages (the bot's own messages it may always delete).
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import ApiError, bad_request
from .formatting import caption_fields, message_text
from .params import Params
from .sending import validate_inline_keyboard
from .world import World

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a result of editing a message"
)
MEDIA_KEYS = ("photo", "video", "document", "voice", "audio", "animation")


def _own_message(world: World, p: Params) -> dict[str, Any]:
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # the fake has no inline mode
    chat = world.usable_chat(p.require("chat_id"))
    message = world.message(chat.id, p.integer("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != world.bot.id:
        raise bad_request("message can't be edited")
    return message


def _new_markup(p: Params) -> dict[str, Any] | None:
    markup = p.mapping("reply_markup")
    if not markup or not markup.get("inline_keyboard"):
        return None
    validate_inline_keyboard(markup)
    return {"inline_keyboard": markup["inline_keyboard"]}


def _apply_edit(
    world: World, message: dict[str, Any], changes: dict[str, Any], markup: dict[str, Any] | None
) -> dict[str, Any]:
    """Replace ``changes`` keys and the markup, or fail if nothing would change."""
    unchanged = all(message.get(k) == v for k, v in changes.items() if v is not None) and all(
        k in message for k, v in changes.items() if v is not None
    )
    removed = [k for k, v in changes.items() if v is None and k in message]
    if unchanged and not removed and message.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
    message["edit_date"] = world.now()
    world.changed.notify()
    return copy.deepcopy(message)


async def edit_message_text(world: World, p: Params) -> dict[str, Any]:
    message = _own_message(world, p)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    content = message_text(p.string("text"), p.string("parse_mode"), p.sequence("entities"))
    changes = {"text": content["text"], "entities": content.get("entities")}
    return _apply_edit(world, message, changes, _new_markup(p))


async def edit_message_caption(world: World, p: Params) -> dict[str, Any]:
    message = _own_message(world, p)
    if not any(key in message for key in MEDIA_KEYS):
        raise bad_request("there is no caption in the message to edit")
    content = caption_fields(
        p.string("caption"), p.string("parse_mode"), p.sequence("caption_entities")
    )
    changes = {
        "caption": content.get("caption"),
        "caption_entities": content.get("caption_entities"),
    }
    return _apply_edit(world, message, changes, _new_markup(p))


async def edit_message_reply_markup(world: World, p: Params) -> dict[str, Any]:
    message = _own_message(world, p)
    return _apply_edit(world, message, {}, _new_markup(p))


def _delete_one(world: World, chat_id: Any, message_id: int) -> None:
    chat = world.usable_chat(chat_id)
    message = world.message(chat.id, message_id)
    if message is None:
        raise bad_request("message to delete not found")
    from_bot = message.get("from", {}).get("id") == world.bot.id
    if chat.is_group and not from_bot and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    world.deleted.add((chat.id, message_id))
    world.changed.notify()


async def delete_message(world: World, p: Params) -> bool:
    _delete_one(world, p.require("chat_id"), p.integer("message_id"))
    return True


async def delete_messages(world: World, p: Params) -> bool:
    """Deletes what it can and succeeds, as Telegram does for the batch method."""
    for message_id in p.sequence("message_ids") or []:
        try:
            _delete_one(world, p.require("chat_id"), int(message_id))
        except ApiError:  # skipped messages are not an error for the batch method
            continue
    return True


async def answer_callback_query(world: World, p: Params) -> bool:
    query_id = p.string("callback_query_id") or ""
    if query_id not in world.callback_queries or query_id in world.callback_answers:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    if len(p.string("text") or "") > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    world.callback_answers[query_id] = dict(p.values)
    return True


METHODS = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
}
