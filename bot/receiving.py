"""How updates reach the bot: long polling, or a webhook whose updates go through a durable
inbox (SPEC §14).

Polling: PTB's updater. Webhook: every process (leader and standbys) runs the inbox's door
(``ops.webhook_inbox``: checks Telegram's secret token, commits the sealed update, answers 200);
the leader tells Telegram the webhook address (setWebhook, with the secret) and feeds the
inbox to the bot (``ops.inbox_feed``). ``python -m bot run`` opens the door before it waits for
leadership, so a standby accepts updates too; a bot started without one (a test's
``start_bot``) opens its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from telegram import Update
from telegram.ext import Application

from bot.secret_key import SecretKeyError, load_secret_key
from core.clock import Clock
from core.config_model import Config, TelegramSettings
from ops.inbox_feed import InboxFeed
from ops.update_sealing import UpdateSealer
from ops.webhook_inbox import WebhookInbox
from storage.db import Database, open_database
from storage.key_fingerprint import stored_fingerprint
from storage.tips import any_tip_exists
from tips.anonymity import Anonymizer


@dataclass
class Receiving:
    """What receives updates now; ``stop()`` ends it (the inbox's door only if it opened it)."""

    application: Application  # type: ignore[type-arg]
    feed: InboxFeed | None = None
    own_inbox: WebhookInbox | None = None

    async def stop(self) -> None:
        if self.feed is not None:
            feed, self.feed = self.feed, None
            await feed.stop()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.own_inbox is not None:
            inbox, self.own_inbox = self.own_inbox, None
            await inbox.stop()


async def open_webhook_inbox(config: Config, environ: Mapping[str, str],
                             clock: Clock) -> WebhookInbox:
    """The inbox's door, listening: SecretKeyError when this process's key is not the one the
    database's tips were made with (a standby's rows would be unreadable to the leader);
    OSError when the address cannot be bound."""
    webhook = config.telegram.webhook
    assert webhook is not None
    # Created on first run like the bot's own start would (the same file on this machine);
    # a second machine must be given the same key (the variable, or a copy of the file).
    key = load_secret_key(config.secret_key_env, environ, config.bot.data_dir, tips_exist=False)
    db = open_database(config.storage_url, timezone=config.timezone.key)
    try:
        await _refuse_another_key(db, Anonymizer(key).key_fingerprint, config, environ)
        inbox = WebhookInbox(db, UpdateSealer(key), environ[webhook.secret_env], clock,
                             listen=webhook.listen, port=webhook.port, url_path=webhook.url_path)
        inbox.start()
    except BaseException:
        await db.close()
        raise
    return inbox


async def _refuse_another_key(db: Database, fingerprint: str, config: Config,
                              environ: Mapping[str, str]) -> None:
    try:
        async with db.reading() as conn:
            stored = await stored_fingerprint(conn)
            tips_exist = await any_tip_exists(conn)
    except Exception:  # a database not migrated yet: the leader checks the key itself
        return
    if stored is None or stored == fingerprint or not tips_exist:
        return
    if config.secret_key_env in environ:
        raise SecretKeyError("secret.changed_in_variable", variable=config.secret_key_env)
    raise SecretKeyError("secret.changed_in_file", path=config.bot.data_dir / "secret.key",
                         variable=config.secret_key_env)


async def start_receiving(application: Application,  # type: ignore[type-arg]
                          config: Config, poll_timeout: int, environ: Mapping[str, str],
                          db: Database, clock: Clock,
                          inbox: WebhookInbox | None = None) -> Receiving:
    """Start receiving in the configured mode."""
    assert application.updater is not None
    telegram: TelegramSettings = config.telegram
    webhook = telegram.webhook
    if telegram.mode != "webhook" or webhook is None:
        await application.updater.start_polling(
            poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
        return Receiving(application)
    receiving = Receiving(application)
    if inbox is None:
        inbox = receiving.own_inbox = await open_webhook_inbox(config, environ, clock)
    try:
        # Updates that arrived while no leader ran stay with Telegram (nothing accepted is
        # dropped); the secret token is what the door checks on every POST.
        await application.bot.set_webhook(
            url=webhook.url, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False,
            secret_token=environ[webhook.secret_env])
        receiving.feed = InboxFeed(application, db, inbox.sealer, inbox.arrived, clock)
        await receiving.feed.start()
    except BaseException:
        await receiving.stop()
        raise
    return receiving
