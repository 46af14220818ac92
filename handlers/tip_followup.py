"""``/status``, ``/reply`` (both sides), replies to the bot's question, and ``/privacy`` in
Telegram: each turns an update into a call of ``tips.followup_conversation`` and draws its answer.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from handlers.access import identify
from handlers.answer_drawing import MessageReply
from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.tips import sender_of, tips_of
from tips.followup_conversation import CODE_IN_TEXT, FollowUpConversation


class RepliesToTipMessage(filters.MessageFilter):
    """A reply to one of the bot's messages that names a tip code (a question, a notice)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.is_bot
                    and CODE_IN_TEXT.search(replied.text or replied.caption or ""))


def conversation_of(context: BotContext) -> FollowUpConversation:
    return FollowUpConversation(tips_of(context))


def reply_to(update: Update) -> MessageReply:
    return MessageReply(update.effective_message, "")  # these answers carry no choices


@guard("status")
async def status(update: Update, context: BotContext) -> None:
    await conversation_of(context).status(sender_of(update, context), context.staff,
                                          list(context.args or []), reply_to(update))


@guard("reply")
async def reply_command(update: Update, context: BotContext) -> None:
    await conversation_of(context).reply_command(
        sender_of(update, context), context.staff, update.effective_message.text or "",
        reply_to(update))


async def reply_to_bot(update: Update, context: BotContext) -> None:
    """Answering the bot's message that names a tip code is the same as ``/reply CODE text``."""
    message = update.effective_message
    replied = message.reply_to_message
    identify(update, context)
    await conversation_of(context).answer_to_bot(
        sender_of(update, context), context.staff, replied.text or replied.caption or "",
        message.text or "", reply_to(update))


@guard("privacy")
async def privacy(update: Update, context: BotContext) -> None:
    await conversation_of(context).privacy(reply_to(update))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    replying = (filters.ChatType.PRIVATE & RepliesToTipMessage() & filters.TEXT
                & ~filters.COMMAND & filters.UpdateType.MESSAGE)
    return [
        CommandHandler(["status", "trangthai"], status),
        CommandHandler(["reply", "traloi"], reply_command),
        CommandHandler(["privacy", "baomat"], privacy),
        MessageHandler(replying, reply_to_bot),
    ]
