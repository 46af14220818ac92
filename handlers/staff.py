"""``/staff add ID ROLE UNIT`` · ``remove ID`` · ``list``: admins manage staff in chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from channels.telegram_addresses import address_of_chat
from handlers.argument_problems import echo
from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.menu import publish_staff_menu
from org.directory import StaffChange
from org.roles import parse_role

_CHANGE_KEYS = {
    StaffChange.ADDED: "staff.added",
    StaffChange.UPDATED: "staff.updated",
    StaffChange.REMOVED: "staff.removed",
    StaffChange.NOT_FOUND: "staff.not_found",
    StaffChange.DECLARED_IN_CONFIG: "staff.declared_in_config",
    StaffChange.SELF: "staff.self",
}


# The words each action takes after its name.
ARGUMENT_COUNTS = {"add": 3, "remove": 1, "list": 0}


def _parse_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**63 else None


async def _refuse(update: Update, context: BotContext, key: str, **values: object) -> None:
    """What was wrong, then the usage: the admin sees at once how to type it."""
    tr = context.tr
    await update.effective_message.reply_text("\n".join((tr(key, **values), tr("staff.usage"))))


@guard("staff")
async def manage_staff(update: Update, context: BotContext) -> None:
    args = context.args or []
    action = args[0].lower() if args else ""
    if not args:
        await update.effective_message.reply_text(context.tr("staff.usage"))
    elif action not in ARGUMENT_COUNTS:
        await _refuse(update, context, "staff.unknown_action", word=echo(args[0]))
    elif len(args) - 1 != ARGUMENT_COUNTS[action]:
        await _refuse(update, context, "staff.wrong_count_" + action)
    elif action == "list":
        await _list(update, context)
    elif action == "add":
        await _add(update, context, args[1], args[2], args[3])
    else:
        await _remove(update, context, args[1])


async def _add(update: Update, context: BotContext, id_text: str, role_text: str,
               unit_code: str) -> None:
    tr = context.tr
    telegram_id, role = _parse_id(id_text), parse_role(role_text)
    if telegram_id is None:
        await _refuse(update, context, "staff.bad_id", word=echo(id_text))
        return
    if role is None:
        await _refuse(update, context, "staff.bad_role", word=echo(role_text))
        return
    services = context.services
    result = await services.directory.add_staff(context.staff.address,
                                                address_of_chat(telegram_id), role,
                                                unit_code, services.clock.now())
    if result.change is StaffChange.UNKNOWN_UNIT:
        await _refuse(update, context, "staff.unknown_unit", code=echo(unit_code))
        return
    member = result.member
    await update.effective_message.reply_text(tr(
        _CHANGE_KEYS[result.change], id=telegram_id,
        role=tr("roles." + (member.role.value if member else role.value)),
        unit=member.unit_code if member else unit_code))
    if result.change in (StaffChange.ADDED, StaffChange.UPDATED):
        await publish_staff_menu(context.bot, context.services, telegram_id)


async def _remove(update: Update, context: BotContext, id_text: str) -> None:
    telegram_id = _parse_id(id_text)
    if telegram_id is None:
        await _refuse(update, context, "staff.bad_id", word=echo(id_text))
        return
    services = context.services
    result = await services.directory.remove_staff(context.staff.address,
                                                   address_of_chat(telegram_id),
                                                   services.clock.now())
    await update.effective_message.reply_text(context.tr(_CHANGE_KEYS[result.change],
                                                         id=telegram_id))
    if result.change is StaffChange.REMOVED:
        await publish_staff_menu(context.bot, context.services, telegram_id)


async def _list(update: Update, context: BotContext) -> None:
    tr = context.tr
    members = context.services.directory.all_staff()
    lines = [tr("staff.list_header", count=len(members))]
    lines.extend(
        tr("staff.list_line", id=m.address.id, role=tr("roles." + m.role.value),
           unit=m.unit_code, source=tr("staff.from_config") if m.from_config else "")
        for m in members)
    await update.effective_message.reply_text("\n".join(lines))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["staff", "canbo"], manage_staff)]
