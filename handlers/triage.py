"""The officer side of tips in Telegram: ``/tips``, ``/assess``, ``/outcome``, ``/close``,
``/block`` and the buttons under each new-tip notice (SPEC §4).

What each does is ``tips.triage_conversation``; this module turns an update into its call and
draws the answer. Tips are need-to-know (SPEC §12): each command, and each button that does what
a command does, wears the guard of its row (``org.permissions``), so an editor or a resident is
refused with the role needed before any tip is looked up, and a forged button is no way round it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.answer_drawing import MessageReply, PressReply
from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.tips import tips_of
from tips.triage_conversation import TriageConversation

LIST_CALLBACK = "tl"  # the prefix of a listing's paging buttons


def conversation_of(context: BotContext) -> TriageConversation:
    return TriageConversation(tips_of(context))


def reply_to(update: Update) -> MessageReply:
    return MessageReply(update.effective_message, LIST_CALLBACK)


@guard("tips")
async def list_tips(update: Update, context: BotContext) -> None:
    answer = await conversation_of(context).list_command(context.staff, context.args or [])
    await reply_to(update)(answer)


@guard("tips")
async def list_page(update: Update, context: BotContext) -> None:
    query = update.callback_query
    action = (query.data or "").removeprefix(f"{LIST_CALLBACK}:")
    reply = PressReply(query, update.effective_message, LIST_CALLBACK)
    await reply(await conversation_of(context).list_page(context.staff, action))


@guard("assess")
async def assess(update: Update, context: BotContext) -> None:
    await reply_to(update)(await conversation_of(context).assess(context.staff,
                                                                 context.args or []))


@guard("close")
async def close(update: Update, context: BotContext) -> None:
    await reply_to(update)(await conversation_of(context).close(context.staff,
                                                                context.args or []))


@guard("block")
async def block(update: Update, context: BotContext) -> None:
    await reply_to(update)(await conversation_of(context).block(context.staff,
                                                                context.args or []))


@guard("outcome")
async def record_outcome(update: Update, context: BotContext) -> None:
    await reply_to(update)(await conversation_of(context).record_outcome(context.staff,
                                                                         context.args or []))


@guard("assess")  # every button under a notice is triage work: /assess's role
async def notice_button(update: Update, context: BotContext) -> None:
    """A button under a new-tip notice: answered on the button, never with a new message."""
    query = update.callback_query
    answer = await conversation_of(context).notice_choice(context.staff, query.data or "")
    await PressReply(query, update.effective_message, LIST_CALLBACK)(answer)


@guard("assess")  # merging is triage work too
async def similar_button(update: Update, context: BotContext) -> None:
    """*Gộp* or *Không trùng* under a new-tip notice that looks like another tip (SPEC §15)."""
    query = update.callback_query
    answer = await conversation_of(context).similar_choice(context.staff, query.data or "")
    await PressReply(query, update.effective_message, LIST_CALLBACK)(answer)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["tips", "nguontin"], list_tips),
        CommandHandler(["assess", "danhgia"], assess),
        CommandHandler(["close", "dong"], close),
        CommandHandler(["block", "chan"], block),
        CommandHandler(["outcome", "ketqua"], record_outcome),
        CallbackQueryHandler(notice_button, pattern=r"^tt:"),
        CallbackQueryHandler(similar_button, pattern=r"^ts:"),
        CallbackQueryHandler(list_page, pattern=rf"^{LIST_CALLBACK}:"),
    ]
