"""Group life-cycle (SPEC §2) in Telegram: joining, leaving, migrating, and the Telegram side of
``/register`` and ``/groups`` (``/dangky MÃ zalo:<id>`` and ``/nhom zalo`` too: SPEC §13), whose
decisions are ``org.group_registration``'s; and :class:`TelegramGroups`, what Telegram says of a
group's members, registered in the router for the daily count (``org.groups``)."""

from __future__ import annotations

import logging

from telegram import Bot, ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import ChatMigrated, Forbidden, TelegramError
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.services import Services
from channels.telegram_addresses import address_of_chat, chat_id_of
from core.address import Address
from core.outbound import ChatMoved, ChatUnavailable, TransientFailure
from handlers.access import requires
from handlers.bot_context import BotContext
from handlers.commands import guard
from org import group_registration
from org import groups as group_service
from org.channel_groups import ChannelGroup
from org.permissions import Place
from org.roles import Role

log = logging.getLogger(__name__)

IN_CHAT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)
OUT_OF_CHAT = (ChatMember.LEFT, ChatMember.BANNED)
# "/register CODE zalo:<id>": a second word naming a channel's group (org.group_registration).
CHANNEL_GROUP_ARGUMENT = r"(?i)^/\S+\s+\S+\s+(" + "|".join(
    group_registration.GROUP_CHANNELS) + r"):\S*\s*$"


def _is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def bot_membership_changed(update: Update, context: BotContext) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or not _is_group(update):
        return
    services = context.services
    was_in = change.old_chat_member.status in IN_CHAT
    is_in = change.new_chat_member.status in IN_CHAT
    chat = change.chat
    now = services.clock.now()
    if is_in:
        await group_service.bot_joined_group(services.db, address_of_chat(chat.id),
                                             chat.title or "", now)
        if not was_in:
            log.info("bot added to group %s", chat.id)
            await context.bot.send_message(
                chat.id, context.tr("groups.greeting", bot=services.bot_username))
            await count_members(context, chat.id)
    elif was_in:
        log.info("bot removed from group %s", chat.id)
        await group_service.bot_left_group(services.db, address_of_chat(chat.id), now)


async def group_migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: follow it to its new chat id, keeping its link."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    moved = await group_service.group_migrated(context.services.db, address_of_chat(old),
                                               address_of_chat(new), context.services.clock.now())
    if moved:
        log.info("group %s migrated to %s", old, new)


@guard("register")
async def register(update: Update, context: BotContext) -> None:
    services = context.services
    chat = update.effective_chat
    assert context.staff is not None
    result = await group_registration.register_here(
        services.db, services.directory.tree, context.staff, address_of_chat(chat.id),
        chat.title or "", list(context.args or []), services.clock.now(), context.tr)
    await update.effective_message.reply_text(result.answer.text)
    if result.linked:
        await count_members(context, chat.id)


@requires(Role.OFFICER, place=Place.PRIVATE)
async def register_channel_group(update: Update, context: BotContext) -> None:
    """``/register CODE zalo:<group_id>`` in a private chat (SPEC §13)."""
    services = context.services
    assert context.staff is not None
    answer = await group_registration.register_channel_group(
        services.db, services.directory.tree, context.staff, services.group_directories,
        list(context.args or []), services.clock.now(), context.tr)
    await update.effective_message.reply_text(answer.text)


@guard("groups")
async def list_groups(update: Update, context: BotContext) -> None:
    services = context.services
    assert context.staff is not None
    args = list(context.args or [])
    if len(args) == 1 and args[0].casefold() in group_registration.GROUP_CHANNELS:
        answer = await group_registration.list_channel_groups(
            services.db, services.group_directories, args[0], context.tr)
        await update.effective_message.reply_text(answer.text)
        return
    answer = await group_registration.list_linked_groups(
        services.db, services.directory.tree, context.staff, list(context.args or []),
        services.config.timezone, context.tr)
    await update.effective_message.reply_text(answer.text)


class TelegramGroups:
    """What Telegram says of a group (``org.channel_groups.GroupDirectory``); Telegram cannot
    list the groups a bot is in, so :meth:`groups` has nothing to say."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def member_count(self, address: Address) -> int:
        """SPEC §12: Telegram's count minus the bot itself."""
        try:
            count = await self._bot.get_chat_member_count(chat_id_of(address))
        except ChatMigrated as migrated:
            raise ChatMoved(str(migrated), address_of_chat(migrated.new_chat_id)) from migrated
        except Forbidden as gone:
            raise ChatUnavailable(str(gone)) from gone
        except TelegramError as error:
            raise TransientFailure(str(error)) from error
        return max(count - 1, 0)

    async def group(self, address: Address) -> ChannelGroup:
        try:
            chat = await self._bot.get_chat(chat_id_of(address))
        except Forbidden as gone:
            raise ChatUnavailable(str(gone)) from gone
        except TelegramError as error:
            raise TransientFailure(str(error)) from error
        return ChannelGroup(address, chat.title or "", await self.member_count(address))

    async def groups(self) -> list[ChannelGroup] | None:
        return None


async def count_members(context: BotContext, chat_id: int) -> None:
    """Record the group's member count, just after it was joined or linked."""
    services: Services = context.services
    await group_service.refresh_member_count(services.db, TelegramGroups(context.bot),
                                             address_of_chat(chat_id), services.clock)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, group_migrated),
        # "/register CODE zalo:<id>" in a private chat links a group of another channel; the
        # same command anywhere else is the group's own registration (refused outside a group).
        CommandHandler(["register", "dangky"], register_channel_group,
                       filters=filters.ChatType.PRIVATE & filters.Regex(CHANNEL_GROUP_ARGUMENT)),
        CommandHandler(["register", "dangky"], register),
        CommandHandler(["groups", "nhom"], list_groups),
    ]
