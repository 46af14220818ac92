"""The yardstick of ``bench/tip_intake_paths.py``: a bare python-telegram-bot echo bot, run as a
process of its own against a fake Bot API, built as ``bot/app.py`` builds the real bot
(AIORateLimiter(max_retries=3), the real bot's kind of update processor, ``poll_interval=0``,
``timeout=1``), so that only the work per update differs.

It answers every message with ``reply_text`` and every button press with
``answerCallbackQuery`` and a ``reply_text`` (the real bot answers a press and sends the next
step). It runs until SIGTERM/SIGINT.

    PYTHONPATH=. BOT_TOKEN=... .venv/bin/python bench/tip_intake_echo.py BASE_URL FILE_URL
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.update_order import PerChatUpdateProcessor


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(message.text or "ok")


async def pressed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if query.message is not None:
        await query.message.reply_text(query.data or "ok")  # type: ignore[union-attr]


async def run(base_url: str, file_url: str, token: str) -> None:
    application = (Application.builder().token(token).base_url(base_url)
                   .base_file_url(file_url).rate_limiter(AIORateLimiter(max_retries=3))
                   .concurrent_updates(PerChatUpdateProcessor()).build())
    application.add_handlers([CallbackQueryHandler(pressed), MessageHandler(filters.ALL, echo)])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1,
                                                allowed_updates=Update.ALL_TYPES)
        print("ready", flush=True)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1], sys.argv[2], os.environ["BOT_TOKEN"]))
