"""``/alert`` (at once, to every group in scope), ``/schedule`` (a unit's bulletin slots), and the
"Đã phổ biến" button under every bulletin in a group (SPEC §5)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from broadcasts.callbacks import ACK_PATTERN, ACK_PREFIX_PATTERN
from broadcasts.desk import BulletinDesk, running_desk
from broadcasts.rendering import bulletin_buttons
from channels.telegram import keyboard
from channels.telegram_addresses import address_of_chat
from core.schedule_spec import (
    EVERY_DAY_WORD,
    WEEKDAY_NAMES,
    ScheduleSpecError,
    parse_schedule_spec,
)
from handlers.argument_problems import schedule_problem, unit_not_in_scope
from handlers.commands import guard
from handlers.context import BotContext
from handlers.pressed_message import set_pressed_buttons
from org.roles import Role
from org.staff import may_act_on_unit
from tips.visible_text import has_visible_text

log = logging.getLogger(__name__)

DEFAULT_WORDS = {"default", "macdinh"}

MAX_SLOTS_PER_WEEK = 14
MAX_SPEC_LENGTH = 200


def _desk(context: BotContext) -> BulletinDesk:
    return running_desk(context.services.bulletins)


@guard("alert")
async def send_alert(update: Update, context: BotContext) -> None:
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1)
    text = parts[1].strip() if len(parts) == 2 else ""
    if not has_visible_text(text):  # zero-width or control characters alone show nothing
        await message.reply_text("\n".join((context.tr("bulletins.alert.empty"),
                                            context.tr("bulletins.alert.usage"))))
        return
    bulletin_id, count = await _desk(context).alert(context.staff, text)
    if count == 0:
        await message.reply_text(context.tr("bulletins.alert.no_groups"))
        return
    await message.reply_text(context.tr("bulletins.alert.sent", id=bulletin_id, count=count))


def _is_spec(text: str) -> bool:
    if text.lower() in DEFAULT_WORDS:
        return True
    try:
        parse_schedule_spec(text)
    except ScheduleSpecError:
        return False
    return True


def _starts_spec(word: str) -> bool:
    """``default``, ``daily`` or weekday abbreviations: the first word of a spec, not a unit."""
    lowered = word.lower()
    return (lowered in DEFAULT_WORDS or lowered == EVERY_DAY_WORD
            or all(day in WEEKDAY_NAMES for day in lowered.split(",")))


def _unit_word(args: list[str], is_unit: Callable[[str], bool]) -> str | None:
    """The word of ``args`` meant as a unit code, if any: a unit in scope; a first word
    followed by a spec (``NOPE daily 07:00``: a unit typed wrong, not a bad spec); or a lone
    word that neither has a digit (a spec has a time) nor starts a spec."""
    if not args:
        return None
    first, rest = args[0], " ".join(args[1:])
    if is_unit(first) or (rest and _is_spec(rest)):
        return first
    if not rest and not any(ch.isdigit() for ch in first) and not _starts_spec(first):
        return first
    return None


@guard("schedule")
async def schedule(update: Update, context: BotContext) -> None:
    """``/schedule``, ``/schedule UNIT``, ``/schedule [UNIT] SPEC``, ``/schedule [UNIT] default``
    (back to ``bulletins.schedule``)."""
    message, tr = update.effective_message, context.tr
    tree, member = context.services.directory.tree, context.staff
    args = list(context.args or [])
    # In scope only: a unit outside it must read exactly as a unit that does not exist.
    unit_code = _unit_word(args, lambda code: may_act_on_unit(member, code, tree, Role.OFFICER))
    if unit_code is not None:
        args.pop(0)
    unit = tree.find(unit_code or member.unit_code)
    if unit is None or not may_act_on_unit(member, unit.code, tree, Role.OFFICER):
        await message.reply_text(unit_not_in_scope(tr, unit_code or member.unit_code))
        return
    desk = _desk(context)
    target = context.services.config.bulletins.weekly_target
    if not args:
        schedule = await desk.schedule_of(unit.code)
        spec = schedule.spec
        if schedule.owner is None:
            source = tr("bulletins.schedule.source_default")
        elif schedule.owner == unit.code:
            source = tr("bulletins.schedule.source_own")
        else:
            source = tr("bulletins.schedule.source_inherited", unit=schedule.owner)
        await message.reply_text(tr("bulletins.schedule.show", unit=unit.code, spec=spec.to_text(),
                                    per_week=spec.firings_per_week, target=target,
                                    source=source))
        return
    text = " ".join(args)
    if text.lower() in DEFAULT_WORDS:
        await desk.set_schedule(member, unit.code, None)
        schedule = await desk.schedule_of(unit.code)
        await message.reply_text(tr("bulletins.schedule.reset", unit=unit.code,
                                    spec=schedule.spec.to_text()))
        return
    try:
        spec = parse_schedule_spec(text)
    except ScheduleSpecError as error:
        await message.reply_text(schedule_problem(tr, error))
        return
    # The stored spec has room for 200 characters, and a bulletin twice a day is already a lot.
    if spec.firings_per_week > MAX_SLOTS_PER_WEEK or len(spec.to_text()) > MAX_SPEC_LENGTH:
        await message.reply_text(tr("bulletins.schedule.too_many", per_week=spec.firings_per_week,
                                    max=MAX_SLOTS_PER_WEEK))
        return
    await desk.set_schedule(member, unit.code, spec)
    lines = [tr("bulletins.schedule.set", unit=unit.code, spec=spec.to_text(),
                per_week=spec.firings_per_week)]
    if spec.firings_per_week < target:
        lines.append(tr("bulletins.schedule.below_target", target=target))
    await message.reply_text("\n".join(lines))


async def acknowledge(update: Update, context: BotContext) -> None:
    """Anyone in the group may press; the press is kept by keyed pseudonym, never by id."""
    query = update.callback_query
    match = ACK_PATTERN.match(query.data or "")
    chat = query.message.chat if query.message else None
    if match is None or chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await query.answer(context.tr("bulletins.ack.stale"), show_alert=True)
        return
    services = context.services
    bulletin_id = int(match[1])
    pseudonym = services.tips.anonymizer.acknowledger_for(query.from_user.id, bulletin_id)
    result = await _desk(context).acknowledge(bulletin_id, address_of_chat(chat.id),
                                               pseudonym)
    if result is None:
        await query.answer(context.tr("bulletins.ack.stale"), show_alert=True)
        return
    await query.answer(context.tr("bulletins.ack.thanks" if result.counted
                                  else "bulletins.ack.already"))
    if not result.counted:
        return
    buttons = bulletin_buttons(services.config.language, services.bot_username, bulletin_id,
                               result.count)
    try:
        await set_pressed_buttons(query, keyboard(buttons))
    except TelegramError as error:
        # The count is stored; only its display is behind until the next press.
        log.info("acknowledgement count not shown: %s", error.message)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["alert", "khancap"], send_alert),
        CommandHandler(["schedule", "lich"], schedule),
        CallbackQueryHandler(acknowledge, pattern=ACK_PREFIX_PATTERN),
    ]
