"""The resident side of a tip: ``/tip``, deep links, the guided flow and its buttons (SPEC §3).

The sender's Telegram id is turned into a pseudonym and a sealed relay link right here, at the
edge; nothing past this module sees it, and nothing here logs it. Limits are checked before a
flow starts (SPEC §12), so a sender over a limit learns it before writing anything.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from datetime import datetime

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from broadcasts.bulletins import unit_of_bulletin
from channels.telegram_addresses import address_of_chat
from handlers.access import requires
from handlers.context import BotContext
from handlers.private_chat import redirect_tip_from_group
from handlers.tip_content import content_of
from handlers.tip_keyboards import CALLBACK, category_keyboard, send_keyboard, unit_keyboard
from tips import filing
from tips.context import TipsContext
from tips.intake import MAX_ITEMS, Draft, Intake, ItemAdded, Step
from tips.limits import Refusal, Refused
from tips.notices import local_time
from tips.staff_notices import queue_staff_notices
from tips.visible_text import has_visible_text

log = logging.getLogger(__name__)

_REFUSALS = {Refusal.BLOCKED: "tip.blocked", Refusal.HOURLY_LIMIT: "tip.hourly_limit",
             Refusal.DAILY_LIMIT: "tip.daily_limit"}


def tips_of(context: BotContext) -> TipsContext:
    return context.services.tips


def intake_of(context: BotContext) -> Intake:
    ctx = tips_of(context)
    return Intake(ctx.db, ctx.clock, ctx.category_keys, ctx.directory.tree, ctx.limits)


def sender_of(update: Update, context: BotContext) -> str:
    return tips_of(context).anonymizer.pseudonym_for(update.effective_user.id)


def is_small_number(text: str) -> bool:
    """Digits a database integer can hold (``"²".isdigit()`` is True, and 10**20 overflows)."""
    return text.isascii() and text.isdigit() and 0 < len(text) <= 9


async def show_step(message: Message, context: BotContext, draft: Draft) -> None:
    """Ask for whatever the draft needs next."""
    tree = tips_of(context).directory.tree
    if draft.step in (Step.UNIT, Step.UNIT_THEN_SUBMIT):
        await message.reply_text(context.tr("tip.choose_unit"),
                                 reply_markup=unit_keyboard(context, None))
    elif draft.step is Step.CATEGORY:
        unit = tree.find(draft.unit_code or "")
        await message.reply_text(context.tr("tip.choose_category",
                                            unit=unit.name if unit else draft.unit_code),
                                 reply_markup=category_keyboard(context))
    else:
        label = tips_of(context).category_label(draft.category or "other")
        await message.reply_text(context.tr("tip.collect", category=label),
                                 reply_markup=send_keyboard(context))


async def answer_filing(message: Message, context: BotContext, result: filing.FilingResult,
                        sealed: str) -> None:
    try:
        if result.outcome is filing.Filed.FILED:
            await send_receipt(message, context, result, sealed)
        elif result.outcome is filing.Filed.REFUSED and result.refused is not None:
            await answer_refusal(message, context, result.refused)
        elif result.outcome is filing.Filed.EMPTY:
            await message.reply_text(context.tr("tip.empty"))
        elif result.outcome is filing.Filed.NEEDS_UNIT:
            await message.reply_text(context.tr("tip.choose_unit"),
                                     reply_markup=unit_keyboard(context, None))
        else:
            await message.reply_text(context.tr("tip.no_draft"))
    finally:
        # After the receipt, so staff notices never delay it; whatever became of the receipt.
        await queue_staff_notices(tips_of(context), result)


async def answer_refusal(message: Message, context: BotContext, refused: Refused) -> None:
    """Politely, at once: when they may send again (a block's end is never told), and that a
    draft they were writing waits for then."""
    text = context.tr(_REFUSALS[refused.refusal])
    if refused.until is not None:
        text = context.tr(_REFUSALS[refused.refusal] + "_until",
                          time=minute_after(refused.until, context))
        if refused.draft_kept:
            text += "\n" + context.tr("tip.draft_kept")
    await message.reply_text(text)


def minute_after(moment: datetime, context: BotContext) -> str:
    """The first whole minute after ``moment`` (a limit lets the next tip in just after it):
    never a minute too early."""
    minute = (math.floor(moment.timestamp() / 60) + 1) * 60
    return local_time(datetime.fromtimestamp(minute, moment.tzinfo), tips_of(context).tz)


async def may_start(message: Message, context: BotContext, sender: str) -> bool:
    """Limits and blocks, before a flow begins: refused, the sender is told and nothing changes
    (a draft they were writing stays)."""
    refused = await intake_of(context).refused_at_start(sender)
    if refused is None:
        return True
    await answer_refusal(message, context, refused)
    return False


async def send_receipt(message: Message, context: BotContext, result: filing.FilingResult,
                       sealed: str) -> None:
    """The code, at once; if that fails (the tip is already committed), through the outbox."""
    ctx = tips_of(context)
    unit = ctx.directory.tree.find(result.unit_code or "")
    text = context.tr("tip.receipt", code=result.code,
                      unit=unit.name if unit else result.unit_code)
    try:
        await message.reply_text(text)
    except TelegramError as error:
        # Only the kind of error: its text could name the chat.
        log.warning("a receipt could not be sent (%s); it goes through the outbox",
                    type(error).__name__)
        await filing.queue_receipt(ctx, result, {"text": text}, sealed)


def sealed_chat(update: Update, context: BotContext) -> str:
    # The user's id is their private chat's id: a press in a group must not seal the group.
    return tips_of(context).anonymizer.seal_address(address_of_chat(update.effective_user.id))


async def file_tip(message: Message, update: Update, context: BotContext) -> None:
    sealed = sealed_chat(update, context)
    result = await filing.file_draft(tips_of(context), sender_of(update, context), sealed)
    await answer_filing(message, context, result, sealed)


@requires()
async def tip_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    text = message.text.partition(" ")[2].strip() if message.text else ""
    if update.effective_chat.type != ChatType.PRIVATE:
        await redirect_tip_from_group(message, context, carries_words=has_visible_text(text))
        return
    sender = sender_of(update, context)
    if not has_visible_text(text):  # "/tip" and nothing anyone could read: the guided flow
        if await may_start(message, context, sender):
            await show_step(message, context, await intake_of(context).begin(sender))
        return
    sealed = sealed_chat(update, context)
    # Limits are checked in the same transaction that files: refused, nothing is kept.
    result = await filing.file_text(tips_of(context), sender, text[:4096], sealed)
    await answer_filing(message, context, result, sealed)


async def start_from_payload(update: Update, context: BotContext, payload: str) -> None:
    """``/start tip``, ``tip_<UNIT>``, ``tip_b<BULLETIN>``: the flow with what the link knows."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await redirect_tip_from_group(update.effective_message, context, carries_words=False)
        return
    sender = sender_of(update, context)
    if not await may_start(update.effective_message, context, sender):
        return
    unit_code = bulletin_id = None
    if payload.startswith("tip_b") and is_small_number(payload[5:]):
        bulletin_id = int(payload[5:])
        unit_code = await unit_of_bulletin(context.services.db, bulletin_id)
    elif payload.startswith("tip_"):
        unit_code = payload[4:]
    draft = await intake_of(context).begin(sender, unit_code=unit_code, bulletin_id=bulletin_id)
    await show_step(update.effective_message, context, draft)


async def flow_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query.message is None or query.message.chat.type != ChatType.PRIVATE:
        await query.answer(context.tr("tip.flow_expired"), show_alert=True)
        return
    action, _, value = (query.data or "").removeprefix(f"{CALLBACK}:").partition(":")
    intake = intake_of(context)
    sender = sender_of(update, context)
    message = query.message
    draft: Draft | None = None
    if action == "n":
        await query.answer()
        if intake.selectable_unit(value):
            await message.edit_reply_markup(unit_keyboard(context, value))
        return
    submit_now = False
    if action == "u":
        draft, submit_now = await intake.choose_unit(sender, value)
    elif action == "c":
        draft = await intake.choose_category(sender, value)
    elif action == "cu":
        draft = await intake.change_unit(sender)
    elif action == "x":
        await query.answer()
        await intake.cancel(sender)
        await message.reply_text(context.tr("tip.cancelled"))
        return
    elif action == "s":
        await query.answer()
        await file_tip(message, update, context)
        return
    if draft is None:
        await query.answer(context.tr("tip.flow_expired"), show_alert=True)
        return
    await query.answer()
    if submit_now:
        await file_tip(message, update, context)  # /tip text waited only for the unit
        return
    await show_step(message, context, draft)


async def collect_content(update: Update, context: BotContext) -> None:
    """Any private message outside a command: part of the tip being written, if there is one."""
    message = update.effective_message
    sender = sender_of(update, context)
    intake = intake_of(context)
    draft = await intake.draft_of(sender)
    if draft is None:
        await message.reply_text(context.tr("fallback.not_understood"))
        return
    if draft.step is not Step.COLLECT:
        await show_step(message, context, draft)  # a button is still to be pressed: ask again
        return
    content = await content_of(message, context)
    if content.item is None:
        await message.reply_text(context.tr(content.problem or "tip.not_accepted"))
        return
    added, updated = await intake.add_item(
        sender, replace(content.item, message_id=message.message_id))
    if added is ItemAdded.INVISIBLE:
        await message.reply_text(context.tr("tip.invisible"))
    elif added is ItemAdded.FULL:
        await message.reply_text(context.tr("tip.full", max=MAX_ITEMS),
                                 reply_markup=send_keyboard(context))
    elif content.document is not None:
        # Said now, while the tip can still be dropped (/cancel): what of the file officers get.
        key = ("tip.added_document" if content.document.metadata_removed
               else "tip.added_document_renamed")
        await message.reply_text(
            context.tr(key, count=len(updated.items), name=content.document.file_name),
            reply_markup=send_keyboard(context))
    else:
        await message.reply_text(context.tr("tip.added", count=len(updated.items)),
                                 reply_markup=send_keyboard(context))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["tip", "baotin"], tip_command),
        CallbackQueryHandler(flow_button, pattern=rf"^{CALLBACK}:"),
    ]


def content_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Registered after every command handler: they take what commands did not."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND
    return [MessageHandler(private & ~filters.StatusUpdate.ALL, collect_content)]
