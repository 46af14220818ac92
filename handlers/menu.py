"""The command menus Telegram shows (``setMyCommands``), per scope and per language.

Residents see resident commands; group admins also see ``/register``; each staff member's
private chat shows the commands of their role. Every command is listed with its Vietnamese alias.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import BadRequest, Forbidden

from bot.services import Services
from channels.telegram_addresses import address_of_chat, chat_id_of
from core.address import TELEGRAM
from core.i18n import LANGUAGES, t
from org.permissions import Place, commands_for
from org.roles import Role

log = logging.getLogger(__name__)
# Scopes published side by side at start: one after the other, three calls per staff member
# would keep the bot from polling for seconds (a round trip to Telegram each); a few at a time
# stays far from any flood limit.
SCOPES_AT_ONCE = 8


def menu(role: Role | None, place: Place, language: str) -> list[BotCommand]:
    entries = []
    for command in commands_for(role, place):
        description = t(language, command.help_key)
        entries.extend(BotCommand(name, description) for name in command.names())
    return entries


async def _publish(bot: Bot, scope: BotCommandScope, role: Role | None, place: Place,
                   default_language: str) -> None:
    # No language_code: the menu for everyone whose Telegram language we have no catalogue for.
    await bot.set_my_commands(menu(role, place, default_language), scope=scope)
    for language in LANGUAGES:
        await bot.set_my_commands(menu(role, place, language), scope=scope,
                                  language_code=language)


async def publish_menus(bot: Bot, services: Services) -> None:
    language = services.config.language
    scopes: list[Awaitable[None]] = [
        _publish(bot, BotCommandScopeAllPrivateChats(), None, Place.PRIVATE, language),
        _publish(bot, BotCommandScopeAllGroupChats(), None, Place.GROUP, language),
        _publish(bot, BotCommandScopeAllChatAdministrators(), Role.OFFICER, Place.GROUP,
                 language),
        *(publish_staff_menu(bot, services, chat_id_of(member.address))
          for member in services.directory.all_staff() if member.address.channel == TELEGRAM),
    ]
    gate = asyncio.Semaphore(SCOPES_AT_ONCE)

    async def in_turn(scope: Awaitable[None]) -> None:
        async with gate:
            await scope

    await asyncio.gather(*(in_turn(scope) for scope in scopes))


async def publish_staff_menu(bot: Bot, services: Services, telegram_id: int) -> None:
    """The private-chat menu of one person, after their role changed (or went away)."""
    member = services.directory.staff_member(address_of_chat(telegram_id))
    scope = BotCommandScopeChat(chat_id=telegram_id)
    try:
        if member is None:
            await bot.delete_my_commands(scope=scope)
            for language in LANGUAGES:
                await bot.delete_my_commands(scope=scope, language_code=language)
        else:
            await _publish(bot, scope, member.role, Place.PRIVATE, services.config.language)
    except (BadRequest, Forbidden) as err:
        # A staff member who never opened a chat with the bot has no chat to attach a menu to;
        # they get the resident menu until they do and the bot restarts.
        log.info("staff menu not set for one staff member: %s", err.message)
