"""What nobody else handled: unknown commands, stickers, polls, stale buttons (SPEC §11).

In private chats the person gets a pointer to /help; in groups the bot stays quiet, because a
group's chatter is not addressed to it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from handlers.context import BotContext

IN_PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.tr("fallback.unknown_command"))


async def not_understood(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.tr("fallback.not_understood"))


async def stale_button(update: Update, context: BotContext) -> None:
    await update.callback_query.answer(context.tr("fallback.expired_button"), show_alert=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        MessageHandler(IN_PRIVATE & filters.COMMAND, unknown_command),
        MessageHandler(IN_PRIVATE & ~filters.StatusUpdate.ALL, not_understood),
        CallbackQueryHandler(stale_button),
    ]
