"""``/status``, ``/reply`` (both sides), replies to the bot's question, and ``/privacy``.

A follow-up or a question with no visible character is not one: answered with the usage line,
nothing queued. Every word a tipster wrote reaches staff through ``tips.visible_text.for_staff``.
"""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from channels.telegram import text_parts
from handlers.access import Place, identify, requires
from handlers.context import BotContext
from handlers.tips import sender_of, tips_of
from org.roles import Role, role_allows
from storage.tip_records import (
    Assessment,
    Delivery,
    Direction,
    ItemKind,
    ThreadEntry,
    TipItem,
    TipState,
)
from tips import followup, triage
from tips.abandoned_drafts import ABANDONED_DRAFT_DAYS
from tips.followup import Lookup, StatusView
from tips.notices import local_time
from tips.relay_delivery import reason_text
from tips.visible_text import for_staff, has_visible_text

CODE_IN_TEXT = re.compile(r"\bTIP-[0-9A-Z]{6}\b")
CONTENT_LIMIT = 3000  # of a message's 4096 characters: room left for the header and thread
# Which message to the tipster a failed notice was, by the catalogue key it was written from.
NOTICE_NAMES = {"tipster.being_checked": "relay.notice.being_checked",
                "tipster.closed": "relay.notice.closed",
                "tipster.closed_helped": "relay.notice.closed"}


class RepliesToTipMessage(filters.MessageFilter):
    """A reply to one of the bot's messages that names a tip code (a question, a notice)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.is_bot
                    and CODE_IN_TEXT.search(replied.text or replied.caption or ""))


def _state_for_tipster(view: StatusView) -> str:
    tip = view.tip
    if tip.state is TipState.CLOSED:
        return "status.state_closed"
    return "status.state_received" if tip.assessment is Assessment.UNASSESSED else (
        "status.state_checking")


def render_content(context: BotContext, items: tuple[TipItem, ...]) -> str:
    """What the tipster sent, for staff: the texts, and each file named by its type (the file
    itself is in the notice that came with the tip)."""
    tr = context.tr
    lines = [tr("status.content_header")]
    for item in items:
        if item.kind is ItemKind.TEXT:
            lines.append(for_staff(item.text or ""))
        elif item.kind is ItemKind.LOCATION:
            lines.append(tr("status.content_location", place=item.file_id or ""))
        else:
            kind = tr("media_kind." + item.kind.value)
            lines.append(tr("status.content_media", kind=kind, caption=for_staff(item.text))
                         if item.text else tr("status.content_media_bare", kind=kind))
    content = "\n".join(lines)
    return content if len(content) <= CONTENT_LIMIT else content[:CONTENT_LIMIT - 1] + "…"


def render_thread_entry(context: BotContext, entry: ThreadEntry, *, as_staff: bool) -> str:
    """One line of the thread; for staff, a question says whether it reached the tipster."""
    tr, when = context.tr, local_time(entry.at, tips_of(context).tz)
    if entry.direction is Direction.FROM_TIPSTER:
        text = for_staff(entry.text) if as_staff else entry.text
        return tr("status.thread_from_tipster", time=when, text=text)
    if as_staff and entry.delivery is Delivery.PENDING:
        return tr("relay.thread_question_pending", time=when, text=entry.text)
    if as_staff and entry.delivery is not None and entry.delivery.undelivered:
        return tr("relay.thread_question_undelivered", time=when, text=entry.text,
                  reason=reason_text(tr, entry.delivery))
    return tr("status.thread_to_tipster", time=when, text=entry.text)


def render_undelivered(context: BotContext, view: StatusView) -> list[str]:
    """State messages and receipts that did not reach the tipster, one line each."""
    tr, tz = context.tr, tips_of(context).tz
    return [tr("relay.notice_undelivered", time=local_time(notice.at, tz),
               notice=tr(NOTICE_NAMES.get(notice.about or "", "relay.notice.other")),
               reason=reason_text(tr, Delivery(notice.failure)))
            for notice in view.undelivered]


def render_status(context: BotContext, view: StatusView) -> str:
    tr, ctx, tip = context.tr, tips_of(context), view.tip
    when = local_time(tip.created_at, ctx.tz)
    if view.as_staff:
        lines = [tr("status.staff", code=tip.code, unit=tip.unit_code,
                    category=ctx.category_label(tip.category), time=when,
                    assessment=tr("assessment." + tip.assessment.value),
                    state=tr("state." + tip.state.value))]
        lines.append(render_content(context, view.items))
    else:
        lines = [tr("status.tipster", code=tip.code, time=when,
                    state=tr(_state_for_tipster(view)))]
    if view.thread:
        lines.append(tr("status.thread_header"))
        lines += [render_thread_entry(context, entry, as_staff=view.as_staff)
                  for entry in view.thread]
    lines += render_undelivered(context, view)
    return "\n".join(lines)


@requires(place=Place.PRIVATE)
async def status(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if len(context.args or []) != 1:
        await message.reply_text(context.tr("status.usage"))
        return
    view = await followup.view_status(tips_of(context), context.args[0],
                                      sender=sender_of(update, context), member=context.staff)
    if view.lookup is Lookup.FOUND:
        # A long thread goes in several messages, each naming the tip: nothing is cut off.
        for part in text_parts(render_status(context, view), label=view.tip.code):
            await message.reply_text(part)
    else:
        await message.reply_text(refusal(context, view))


def refusal(context: BotContext, view: StatusView) -> str:
    """Why a code gave nothing: one line that reveals nothing about any tip."""
    if view.lookup is Lookup.NEEDS_OFFICER:
        return context.tr("access.needs_officer")
    if view.lookup is Lookup.TOO_MANY and view.write_again_at is not None:
        return context.tr("relay.followup_limit",
                          max=tips_of(context).settings.max_followups_per_hour,
                          time=local_time(view.write_again_at, tips_of(context).tz))
    return context.tr("status.locked" if view.lookup is Lookup.LOCKED else "status.not_found")


async def relay(update: Update, context: BotContext, code_text: str, text: str) -> None:
    """Staff with the tip in scope ask the tipster; anyone else is treated as the tipster."""
    message = update.effective_message
    ctx = tips_of(context)
    member = context.staff
    if member is not None and role_allows(member.role, Role.OFFICER):
        tip = await triage.tip_for_staff(ctx, member, code_text, Role.OFFICER)
        if tip is not None:
            result = await triage.ask_tipster(ctx, member, tip, text)
            if result.done is triage.Done.RELAY_GONE:
                await message.reply_text(context.tr("reply.relay_gone", code=tip.code,
                                                    days=ctx.settings.followup_days))
            else:
                await message.reply_text(context.tr("reply.sent_to_tipster", code=tip.code))
            return
    view = await followup.tipster_adds(ctx, sender_of(update, context), code_text, text,
                                       member)
    if view.lookup is Lookup.FOUND:
        await message.reply_text(context.tr("reply.sent_to_staff", code=view.tip.code))
    else:
        await message.reply_text(refusal(context, view))


@requires(place=Place.PRIVATE)
async def reply_command(update: Update, context: BotContext) -> None:
    parts = (update.effective_message.text or "").split(maxsplit=2)
    if len(parts) < 3 or not has_visible_text(parts[2]):
        await update.effective_message.reply_text(context.tr("reply.usage"))
        return
    await relay(update, context, parts[1], parts[2].strip())


async def reply_to_bot(update: Update, context: BotContext) -> None:
    """Answering the bot's message that names a tip code is the same as ``/reply CODE text``."""
    message = update.effective_message
    replied = message.reply_to_message
    match = CODE_IN_TEXT.search(replied.text or replied.caption or "")
    identify(update, context)
    if context.staff is not None and role_allows(context.staff.role, Role.OFFICER):
        # Officers ask with /reply on purpose: a reply to a bot message may be a note to self.
        # (An editor is answering a question about a tip they filed, like anyone.)
        await message.reply_text(context.tr("reply.usage"))
        return
    if not has_visible_text(message.text):
        await message.reply_text(context.tr("reply.usage"))
        return
    if match is not None:
        await relay(update, context, match.group(0), message.text or "")


@requires()
async def privacy(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(
        context.tr("privacy.text", days=tips_of(context).settings.followup_days,
                   draft_days=ABANDONED_DRAFT_DAYS))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    replying = (filters.ChatType.PRIVATE & RepliesToTipMessage() & filters.TEXT
                & ~filters.COMMAND & filters.UpdateType.MESSAGE)
    return [
        CommandHandler(["status", "trangthai"], status),
        CommandHandler(["reply", "traloi"], reply_command),
        CommandHandler(["privacy", "baomat"], privacy),
        MessageHandler(replying, reply_to_bot),
    ]
