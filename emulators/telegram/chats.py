"""Bot API methods about chats and membership, and the ``ChatMember`` objects they return.

The bot reads group titles and member counts (refreshed daily) and must notice when it lost its
place in a group; these methods answer from the world's state and fail the way Telegram fails
once the bot was removed, blocked, or the group migrated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import bad_request
from .params import Params

if TYPE_CHECKING:
    from .world import FakeChat, World

ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": False,
    "can_restrict_members": True, "can_promote_members": False, "can_change_info": False,
    "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
    "can_delete_stories": False, "can_pin_messages": True,
}  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def member_dict(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ``ChatMember`` of the given status, with the fields PTB requires for it."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        member.update(ADMIN_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


def member_status(world: World, chat: FakeChat, user_id: int) -> str:
    if user_id == world.bot.id:
        return chat.bot_status
    if chat.type == "private":
        return "member" if user_id == chat.id else "left"
    if user_id == chat.creator_id:
        return "creator"
    if user_id in chat.admin_ids:
        return "administrator"
    return "member" if user_id in chat.member_ids else "left"


def _user_dict(world: World, user_id: int) -> dict[str, Any]:
    if user_id == world.bot.id:
        return world.bot.to_dict()
    if user_id not in world.users:
        raise bad_request("user not found")
    return world.users[user_id].to_dict()


async def get_chat(world: World, p: Params) -> dict[str, Any]:
    chat = world.usable_chat(p.require("chat_id"))
    info = chat.to_dict()
    info.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
            "premium_subscription": False, "gifts_from_channels": False,
        },
    )  # fmt: skip
    return info


async def get_chat_member_count(world: World, p: Params) -> int:
    chat = world.usable_chat(p.require("chat_id"))
    if chat.type == "private":
        return 2
    return chat.member_count


async def get_chat_member(world: World, p: Params) -> dict[str, Any]:
    chat = world.usable_chat(p.require("chat_id"))
    user_id = p.integer("user_id")
    return member_dict(_user_dict(world, user_id), member_status(world, chat, user_id))


async def get_chat_administrators(world: World, p: Params) -> list[dict[str, Any]]:
    chat = world.usable_chat(p.require("chat_id"))
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    ids = [chat.creator_id] if chat.creator_id else []
    ids += sorted(chat.admin_ids - set(ids))
    if chat.bot_status == "administrator":
        ids.append(world.bot.id)
    return [member_dict(_user_dict(world, i), member_status(world, chat, i)) for i in ids]


async def leave_chat(world: World, p: Params) -> bool:
    chat = world.usable_chat(p.require("chat_id"))
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    chat.bot_status = "left"
    return True


async def send_chat_action(world: World, p: Params) -> bool:
    world.usable_chat(p.require("chat_id"))
    if p.string("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


METHODS = {
    "getChat": get_chat,
    "getChatMemberCount": get_chat_member_count,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "leaveChat": leave_chat,
    "sendChatAction": send_chat_action,
}
