"""What nobody else handled: unknown commands, edits and stale buttons (SPEC §11).

In private chats an unknown command gets a pointer to /help (other private messages are taken by
the tip flow, which answers them); in groups the bot stays quiet, because a group's chatter is not
addressed to it. The same for edits: answered in a private chat (handlers/tip_edits.py), ignored
in groups.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from handlers.bot_context import BotContext
from handlers.tip_edits import answer_private_edit

log = logging.getLogger(__name__)

IN_PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


async def stop_edit(update: Update, context: BotContext) -> None:
    """An edited message is never a new command: editing "/tip text" must not file it twice,
    nor an edited /alert ring every group again. In a private chat it is answered (it may
    correct a tip being written); in a group or channel nothing is said."""
    edited = update.edited_message
    if edited is not None and edited.chat.type == ChatType.PRIVATE:
        try:
            await answer_private_edit(update, context)
        except Exception:
            # Stopped all the same: a failure here must not let the edit run as a command.
            log.exception("an edited message could not be answered")
            with contextlib.suppress(TelegramError):
                await edited.reply_text(context.tr("errors.generic"))
    raise ApplicationHandlerStop


def edit_guard() -> BaseHandler:  # type: ignore[type-arg]
    """Registered in a group before all others, so edits stop before any handler sees them.
    A filter, not a callback on every update: other updates pass it without a handler call."""
    return MessageHandler(filters.UpdateType.EDITED, stop_edit)


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.tr("fallback.unknown_command"))


async def stale_button(update: Update, context: BotContext) -> None:
    await update.callback_query.answer(context.tr("fallback.expired_button"), show_alert=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        MessageHandler(IN_PRIVATE & filters.COMMAND, unknown_command),
        CallbackQueryHandler(stale_button),
    ]
