"""``/alert`` (at once, to every group in scope; first the SMS cost and Confirm / Cancel when
SMS subscribers are among them, SPEC §13: decided by ``broadcasts.alerts``), ``/schedule`` (a
unit's bulletin slots), and the "Đã phổ biến" button under every bulletin in a group (SPEC §5)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from broadcasts import callbacks
from broadcasts.alerts import AlertDesk
from broadcasts.callbacks import ACK_PATTERN, ACK_PREFIX_PATTERN
from broadcasts.desk import BulletinDesk, running_desk
from broadcasts.rendering import bulletin_buttons
from broadcasts.schedules import (
    MAX_SLOTS_PER_WEEK,
    Scheduled,
    ScheduleResult,
    run_schedule_command,
)
from channels.telegram import keyboard
from channels.telegram_addresses import address_of_chat
from core.answers import Shown
from handlers.answer_drawing import keyboard_of
from handlers.argument_problems import schedule_problem, unit_not_in_scope
from handlers.bot_context import BotContext
from handlers.bulletin_drawing import draw_in_pressed_message
from handlers.commands import guard
from handlers.pressed_message import set_pressed_buttons

log = logging.getLogger(__name__)
ALERT_PREFIX = callbacks.ALERT_SMS_CONFIRM.split(":")[0]  # "al"


def _desk(context: BotContext) -> BulletinDesk:
    return running_desk(context.services.bulletins)


def alert_desk_of(context: BotContext) -> AlertDesk:
    return AlertDesk(_desk(context), context.tr)


@guard("alert")
async def send_alert(update: Update, context: BotContext) -> None:
    """Decided by ``broadcasts.alerts``, drawn here."""
    parts = (update.effective_message.text or "").split(maxsplit=1)
    answer = await alert_desk_of(context).alert(context.staff,
                                                parts[1] if len(parts) == 2 else "")
    await update.effective_message.reply_text(answer.text,
                                              reply_markup=keyboard_of(answer, ALERT_PREFIX))


@guard("alert")
async def confirm_alert(update: Update, context: BotContext) -> None:
    """Confirm / Cancel under an alert's SMS cost: the answer replaces the question; a press
    that finds nothing waiting any more is told so, and the buttons go."""
    query = update.callback_query
    action = (query.data or "").removeprefix(ALERT_PREFIX + ":")
    answer = await alert_desk_of(context).answer_sms_question(context.staff, action)
    if answer.shown is Shown.ALERT:
        await query.answer(answer.text, show_alert=True)
        await set_pressed_buttons(query)
        return
    await query.answer()
    await draw_in_pressed_message(query, answer, ALERT_PREFIX)


@guard("schedule")
async def schedule(update: Update, context: BotContext) -> None:
    """``/schedule``, ``/schedule UNIT``, ``/schedule [UNIT] SPEC``, ``/schedule [UNIT] default``
    (back to ``bulletins.schedule``): decided by ``broadcasts.schedules``, drawn here."""
    result = await run_schedule_command(_desk(context), context.staff,
                                        context.services.directory.tree, list(context.args or []))
    await update.effective_message.reply_text(
        schedule_answer(context, result, context.services.config.bulletins.weekly_target))


def schedule_answer(context: BotContext, result: ScheduleResult, target: int) -> str:
    tr, unit, spec = context.tr, result.unit_code, result.spec
    if result.error is not None:
        return schedule_problem(tr, result.error)
    if result.outcome is Scheduled.NOT_IN_SCOPE or spec is None:
        return unit_not_in_scope(tr, unit)
    if result.outcome is Scheduled.SHOWN:
        owner = result.schedule.owner if result.schedule else None
        if owner is None:
            source = tr("bulletins.schedule.source_default")
        elif owner == unit:
            source = tr("bulletins.schedule.source_own")
        else:
            source = tr("bulletins.schedule.source_inherited", unit=owner)
        return tr("bulletins.schedule.show", unit=unit, spec=spec.to_text(),
                  per_week=spec.firings_per_week, target=target, source=source)
    if result.outcome is Scheduled.RESET:
        return tr("bulletins.schedule.reset", unit=unit, spec=spec.to_text())
    if result.outcome is Scheduled.TOO_MANY:
        return tr("bulletins.schedule.too_many", per_week=spec.firings_per_week,
                  max=MAX_SLOTS_PER_WEEK)
    lines = [tr("bulletins.schedule.set", unit=unit, spec=spec.to_text(),
                per_week=spec.firings_per_week)]
    if spec.firings_per_week < target:
        lines.append(tr("bulletins.schedule.below_target", target=target))
    return "\n".join(lines)


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
    buttons = bulletin_buttons(services.config.language, bulletin_id, result.count,
                               deep_links=bool(services.bot_username))
    try:
        await set_pressed_buttons(query, keyboard(buttons, services.bot_username))
    except TelegramError as error:
        # The count is stored; only its display is behind until the next press.
        log.info("acknowledgement count not shown: %s", error.message)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["alert", "khancap"], send_alert),
        CallbackQueryHandler(confirm_alert, pattern=callbacks.ALERT_SMS_PATTERN),
        CommandHandler(["schedule", "lich"], schedule),
        CallbackQueryHandler(acknowledge, pattern=ACK_PREFIX_PATTERN),
    ]
