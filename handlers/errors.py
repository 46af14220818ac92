"""The last line of defence: any exception in a handler is logged (redacted) and the person is
told, in their language, that something went wrong and nothing was lost."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from handlers.bot_context import BotContext

log = logging.getLogger(__name__)


async def report_error(update: object, context: BotContext) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(context.tr("errors.generic"), show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(context.tr("errors.generic"))
    except TelegramError:
        log.warning("could not tell the person about the error", exc_info=True)
