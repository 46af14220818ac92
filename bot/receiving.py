"""How updates reach the bot: long polling, or a webhook behind a TLS reverse proxy."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update
from telegram.ext import Application

from core.config_model import TelegramSettings


async def start_receiving(application: Application,  # type: ignore[type-arg]
                          telegram: TelegramSettings, poll_timeout: int,
                          environ: Mapping[str, str]) -> None:
    """Start the updater in the configured mode; ``Updater.stop`` ends either."""
    assert application.updater is not None
    webhook = telegram.webhook
    if telegram.mode != "webhook" or webhook is None:
        await application.updater.start_polling(
            poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
        return
    # Updates that arrived while the bot was down are kept (nothing accepted is lost); the
    # secret token makes the bot's server refuse any POST that did not come from Telegram.
    await application.updater.start_webhook(
        listen=webhook.listen, port=webhook.port, url_path=webhook.url_path,
        webhook_url=webhook.url, allowed_updates=Update.ALL_TYPES,
        secret_token=environ[webhook.secret_env], drop_pending_updates=False)
