"""What nobody else handled: unknown commands and stale buttons (SPEC §11).

In private chats an unknown command gets a pointer to /help (other private messages are taken by
the tip flow, which answers them); in groups the bot stays quiet, because a group's chatter is not
addressed to it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from handlers.context import BotContext

IN_PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


async def ignore_edit(update: Update, context: BotContext) -> None:
    """An edited message is never a new command: editing "/tip text" must not file it twice,
    nor an edited /alert ring every group again."""
    raise ApplicationHandlerStop


def edit_guard() -> BaseHandler:  # type: ignore[type-arg]
    """Registered in a group before all others, so edits stop before any handler sees them.
    A filter, not a callback on every update: other updates pass it without a handler call."""
    return MessageHandler(filters.UpdateType.EDITED, ignore_edit)


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.tr("fallback.unknown_command"))


async def stale_button(update: Update, context: BotContext) -> None:
    await update.callback_query.answer(context.tr("fallback.expired_button"), show_alert=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        MessageHandler(IN_PRIVATE & filters.COMMAND, unknown_command),
        CallbackQueryHandler(stale_button),
    ]
