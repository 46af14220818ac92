"""``/sms add SỐ MÃ`` · ``/sms remove SỐ`` · ``/sms list [MÃ]`` (``/tinnhan``): officers keep
the list of numbers that receive their units' security texts by SMS (SPEC §13).

Officers, in the private chat, for units in their scope. A number may be typed in any usual
form (``0901234567``, ``+84 90 123 4567``, ``84901234567``); an invalid one is refused with the
reason (``org.phone_numbers``). Numbers are personal data: replies show them masked
(``09xx xxx 567``), even the one just typed, and none is ever logged
(``broadcasts.sms_subscribers`` keeps them sealed).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import BaseHandler, CommandHandler

from broadcasts.sms_subscribers import SmsSubscribers, SubscriptionResult
from handlers.bot_context import BotContext
from handlers.commands import guard
from org.phone_numbers import InvalidNumber, PhoneNumber, parse_phone_number
from tips.visible_text import for_staff

MAX_ECHO = 40  # characters of a mistyped unit code repeated back


@dataclass(frozen=True)
class SmsCommand:
    action: str  # add | remove | list
    number: str = ""  # as typed: it may hold spaces (+84 90 123 4567)
    code: str = ""


def read_sms_command(text: str) -> SmsCommand | None:
    """The arguments after ``/sms`` (None: not a valid form; the usage is shown)."""
    words = text.split()
    action = words[0].lower() if words else ""
    if action == "list" and len(words) <= 2:
        return SmsCommand("list", code=words[1] if len(words) == 2 else "")
    if action == "add" and len(words) >= 3:
        return SmsCommand("add", " ".join(words[1:-1]), words[-1])
    if action == "remove" and len(words) >= 2:
        return SmsCommand("remove", " ".join(words[1:]))
    return None


def _arguments(update: Update) -> str:
    parts = (update.effective_message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


def _subscribers(context: BotContext) -> SmsSubscribers:
    services = context.services
    return SmsSubscribers(services.db, services.directory, services.tips.anonymizer,
                          services.clock)


@guard("sms")
async def manage_sms_subscribers(update: Update, context: BotContext) -> None:
    command = read_sms_command(_arguments(update))
    if command is None:
        await update.effective_message.reply_text(context.tr("sms.usage"))
    elif command.action == "list":
        await list_subscribers(update, context, command.code or None)
    else:
        number = await _number_or_refusal(update, context, command.number)
        if number is None:
            return
        subscribers = _subscribers(context)
        if command.action == "add":
            result = await subscribers.add(context.staff, number, command.code)
        else:
            result = await subscribers.remove(context.staff, number)
        await _answer(update, context, number, command, result)


async def _number_or_refusal(update: Update, context: BotContext,
                             typed: str) -> PhoneNumber | None:
    try:
        return parse_phone_number(typed)
    except InvalidNumber as refusal:
        reason = context.tr(f"phone.problem.{refusal.problem.value}")
        await update.effective_message.reply_text(context.tr("sms.bad_number", reason=reason))
        return None


async def _answer(update: Update, context: BotContext, number: PhoneNumber,
                  command: SmsCommand, result: SubscriptionResult) -> None:
    tree = context.services.directory.tree
    unit = tree.find(result.unit_code) if result.unit_code else None
    code = result.unit_code or for_staff(command.code)[:MAX_ECHO]
    await update.effective_message.reply_text(context.tr(
        f"sms.{result.outcome.value}", number=number.masked, unit=code,
        unit_name=unit.name if unit else "", previous=result.previous_unit_code, code=code))


async def list_subscribers(update: Update, context: BotContext, unit_code: str | None) -> None:
    """The numbers in scope, masked, with their unit; cut into messages between lines."""
    tr = context.tr
    listed = await _subscribers(context).listing(context.staff, unit_code)
    if listed is None:
        await update.effective_message.reply_text(tr(
            "sms.unknown_unit", code=for_staff(unit_code or "")[:MAX_ECHO]))
        return
    if not listed:
        await update.effective_message.reply_text(tr("sms.list_empty"))
        return
    lines = [tr("sms.list_header", count=len(listed))]
    lines += [tr("sms.list_line" if s.active else "sms.list_line_unreachable",
                 number=s.masked_number, unit=s.unit_code) for s in listed]
    page: list[str] = []
    for line in lines:
        if page and len("\n".join([*page, line])) > MessageLimit.MAX_TEXT_LENGTH:
            await update.effective_message.reply_text("\n".join(page))
            page = []
        page.append(line)
    await update.effective_message.reply_text("\n".join(page))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["sms", "tinnhan"], manage_sms_subscribers)]

