"""Group life-cycle (SPEC §2): joining, leaving, migrating, ``/register`` and ``/groups``."""

from __future__ import annotations

import logging
from datetime import tzinfo

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import ChatMigrated, Forbidden, TelegramError
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.services import Services
from channels.telegram_addresses import address_of_chat, chat_id_of
from core.address import TELEGRAM
from core.i18n import Translator
from handlers.argument_problems import echo, unit_not_in_scope
from handlers.bot_context import BotContext
from handlers.commands import guard
from org import groups as group_service
from org.groups import Registration
from storage.groups import GroupRecord

log = logging.getLogger(__name__)

IN_CHAT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)
OUT_OF_CHAT = (ChatMember.LEFT, ChatMember.BANNED)


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
    message = update.effective_message
    tr = context.tr
    if len(context.args or []) != 1:
        await message.reply_text(tr("groups.register_usage"))
        return
    code = context.args[0]
    services = context.services
    chat = update.effective_chat
    result = await group_service.register_group(
        services.db, services.directory.tree, context.staff, address_of_chat(chat.id),
        chat.title or "", code, services.clock.now())
    if result.outcome is Registration.UNKNOWN_UNIT:
        await message.reply_text("\n".join((tr("groups.unknown_unit", code=echo(code)),
                                            tr("groups.register_usage"))))
        return
    unit = result.unit
    assert unit is not None
    if result.outcome is Registration.OUT_OF_SCOPE:
        await message.reply_text(tr("groups.out_of_scope", unit=unit.code))
        return
    key = {Registration.REGISTERED: "groups.registered", Registration.MOVED: "groups.moved",
           Registration.ALREADY: "groups.already"}[result.outcome]
    await message.reply_text(tr(key, title=chat.title or "", unit=unit.code, unit_name=unit.name,
                                previous=result.previous_unit_code or ""))
    if result.outcome is not Registration.ALREADY:
        await count_members(context, chat.id)


@guard("groups")
async def list_groups(update: Update, context: BotContext) -> None:
    services = context.services
    tr = context.tr
    if len(context.args or []) > 1:
        await update.effective_message.reply_text(tr("groups.usage"))
        return
    unit_code = context.args[0] if context.args else None
    found = await group_service.groups_in_scope(services.db, services.directory.tree,
                                                context.staff, unit_code)
    if found is None:
        await update.effective_message.reply_text(unit_not_in_scope(tr, unit_code or ""))
        return
    if not found:
        await update.effective_message.reply_text(tr("groups.list_empty"))
        return
    lines = [tr("groups.list_header", count=len(found))]
    lines.extend(_group_line(tr, group, services.config.timezone) for group in found)
    await update.effective_message.reply_text("\n".join(lines))


def _group_line(tr: Translator, group: GroupRecord, tz: tzinfo) -> str:
    members = (tr("groups.members", count=group.member_count)
               if group.member_count is not None else tr("groups.members_unknown"))
    last = (tr("groups.last_bulletin",
               date=group.last_bulletin_at.astimezone(tz).strftime("%d/%m/%Y"))
            if group.last_bulletin_at is not None else tr("groups.no_bulletin"))
    return tr("groups.list_line", title=group.title, unit=group.unit_code or "-",
              members=members, last=last, status=tr("groups.status_" + group.status))


async def count_members(context: BotContext, chat_id: int) -> None:
    """Record the group's member count; SPEC §12: Telegram's count minus the bot itself."""
    services: Services = context.services
    await refresh_member_count(context.bot, services, chat_id)


async def refresh_member_count(bot, services: Services, chat_id: int) -> None:  # noqa: ANN001
    now = services.clock.now()
    try:
        count = await bot.get_chat_member_count(chat_id)
    except ChatMigrated as migrated:
        await group_service.group_migrated(services.db, address_of_chat(chat_id),
                                           address_of_chat(migrated.new_chat_id), now)
        await refresh_member_count(bot, services, migrated.new_chat_id)
        return
    except Forbidden:
        await group_service.bot_left_group(services.db, address_of_chat(chat_id), now)
        return
    except TelegramError as err:
        log.warning("member count of group %s not refreshed: %s", chat_id, err)
        return
    await group_service.member_count_taken(services.db, address_of_chat(chat_id),
                                           max(count - 1, 0), now)


async def refresh_all_member_counts(bot, services: Services) -> None:  # noqa: ANN001
    """The daily job: every active group's member count (SPEC §2: refreshed at least daily)."""
    for address in await group_service.active_group_addresses(services.db):
        if address.channel == TELEGRAM:
            await refresh_member_count(bot, services, chat_id_of(address))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, group_migrated),
        CommandHandler(["register", "dangky"], register),
        CommandHandler(["groups", "nhom"], list_groups),
    ]
