"""``/staff add ID ROLE UNIT`` · ``remove ID`` · ``list``: admins manage staff in chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from handlers.access import Place, requires
from handlers.context import BotContext
from handlers.menu import publish_staff_menu
from org.directory import StaffChange
from org.roles import Role, parse_role

_CHANGE_KEYS = {
    StaffChange.ADDED: "staff.added",
    StaffChange.UPDATED: "staff.updated",
    StaffChange.REMOVED: "staff.removed",
    StaffChange.NOT_FOUND: "staff.not_found",
    StaffChange.DECLARED_IN_CONFIG: "staff.declared_in_config",
    StaffChange.SELF: "staff.self",
}


def _parse_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**63 else None


@requires(Role.ADMIN, place=Place.PRIVATE)
async def manage_staff(update: Update, context: BotContext) -> None:
    args = context.args or []
    action = args[0].lower() if args else ""
    if action == "list" and len(args) == 1:
        await _list(update, context)
    elif action == "add" and len(args) == 4:
        await _add(update, context, args[1], args[2], args[3])
    elif action == "remove" and len(args) == 2:
        await _remove(update, context, args[1])
    else:
        await update.effective_message.reply_text(context.tr("staff.usage"))


async def _add(update: Update, context: BotContext, id_text: str, role_text: str,
               unit_code: str) -> None:
    tr = context.tr
    telegram_id, role = _parse_id(id_text), parse_role(role_text)
    if telegram_id is None:
        await update.effective_message.reply_text(tr("staff.bad_id"))
        return
    if role is None:
        await update.effective_message.reply_text(tr("staff.bad_role"))
        return
    services = context.services
    result = await services.directory.add_staff(context.staff.telegram_id, telegram_id, role,
                                                unit_code, services.clock.now())
    if result.change is StaffChange.UNKNOWN_UNIT:
        await update.effective_message.reply_text(tr("staff.unknown_unit", code=unit_code[:40]))
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
        await update.effective_message.reply_text(context.tr("staff.bad_id"))
        return
    services = context.services
    result = await services.directory.remove_staff(context.staff.telegram_id, telegram_id,
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
        tr("staff.list_line", id=m.telegram_id, role=tr("roles." + m.role.value),
           unit=m.unit_code, source=tr("staff.from_config") if m.from_config else "")
        for m in members)
    await update.effective_message.reply_text("\n".join(lines))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["staff", "canbo"], manage_staff)]
