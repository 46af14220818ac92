"""Bot API methods about the bot itself: ``getMe``, commands, descriptions, name, logOut/close.

Commands and texts are stored per (scope, language) exactly as the bot set them, so a test can
read back what users would see in the command menu: ``fake.commands("all_private_chats", "vi")``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import bad_request
from .params import Params
from .world import World

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
TEXT_LIMITS = {"description": 512, "short_description": 120, "name": 64}


def scope_key(scope: dict[str, Any] | None) -> str:
    """A canonical key for a ``BotCommandScope`` (absent means ``default``)."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True, ensure_ascii=False)


async def get_me(world: World, p: Params) -> dict[str, Any]:
    return {
        **world.bot.to_dict(),
        "can_join_groups": True,
        "can_read_all_group_messages": not world.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def set_my_commands(world: World, p: Params) -> bool:
    commands = p.sequence("commands")
    if commands is None:
        raise bad_request('parameter "commands" is required')
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = (scope_key(p.mapping("scope")), p.string("language_code") or "")
    world.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(world: World, p: Params) -> list[dict[str, Any]]:
    key = (scope_key(p.mapping("scope")), p.string("language_code") or "")
    return list(world.commands.get(key, []))


async def delete_my_commands(world: World, p: Params) -> bool:
    world.commands.pop((scope_key(p.mapping("scope")), p.string("language_code") or ""), None)
    return True


def _text_setter(kind: str) -> Callable[[World, Params], Awaitable[bool]]:
    async def set_text(world: World, p: Params) -> bool:
        text = p.string(kind) or ""
        if len(text) > TEXT_LIMITS[kind]:
            raise bad_request(f"{kind.upper()}_INVALID")
        key = (kind, p.string("language_code") or "")
        if text:
            world.bot_texts[key] = text
        else:
            world.bot_texts.pop(key, None)
        return True

    return set_text


def _text_getter(kind: str) -> Callable[[World, Params], Awaitable[dict[str, str]]]:
    async def get_text(world: World, p: Params) -> dict[str, str]:
        return {kind: world.bot_texts.get((kind, p.string("language_code") or ""), "")}

    return get_text


async def log_out(world: World, p: Params) -> bool:
    return True


async def close(world: World, p: Params) -> bool:
    return True


METHODS = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": _text_setter("description"),
    "getMyDescription": _text_getter("description"),
    "setMyShortDescription": _text_setter("short_description"),
    "getMyShortDescription": _text_getter("short_description"),
    "setMyName": _text_setter("name"),
    "getMyName": _text_getter("name"),
    "logOut": log_out,
    "close": close,
}
