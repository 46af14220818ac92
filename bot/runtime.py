"""Start and stop the whole bot: storage, directory, Telegram application, jobs.

Used by ``python -m bot run`` and, unchanged, by the end-to-end tests (which point the config's
``api_base_url`` at a fake Bot API on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.ext import Application

from bot.app import build_application
from bot.bulletin_runtime import BulletinRuntime, open_delivery_bot, start_bulletins
from bot.channel_router import ChannelRouter
from bot.jobs import start_jobs
from bot.receiving import Receiving, start_receiving
from bot.secret_key import check_key_fingerprint, load_secret_key
from bot.services import Services
from bot.sms_runtime import SmsRuntime, start_sms
from bot.weekly_summary_job import send_weekly_summaries
from bot.zalo_bot_runtime import ZaloBotRuntime, start_zalo_bot
from bot.zalo_runtime import ZaloRuntime, start_zalo
from channels.telegram import TelegramChannel
from channels.telegram_addresses import address_of_chat
from channels.telegram_files import telegram_file_reader
from channels.zalo_oa.addresses import ZALO_OA
from core.address import TELEGRAM
from core.clock import Clock
from core.config_model import Config
from core.i18n import Translator
from handlers.groups import TelegramGroups
from handlers.menu import publish_menus
from ops.webhook_inbox import WebhookInbox
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit
from storage.db import Database, open_database
from storage.migrate import upgrade_to_head
from storage.tips import any_tip_exists
from tips.anonymity import Anonymizer
from tips.context import TipsContext
from tips.followup_links import purge_relay_links
from tips.notifier import Notifier
from tips.staff_notices import notice_words, queue_missing_staff_notices

log = logging.getLogger(__name__)


@dataclass
class RunningBot:
    application: Application  # type: ignore[type-arg]
    services: Services
    scheduler: AsyncIOScheduler
    notifier: Notifier
    bulletins: BulletinRuntime | None = None
    sms: SmsRuntime | None = None
    stopped: bool = False
    zalo: ZaloRuntime | None = None
    zalo_bot: ZaloBotRuntime | None = None
    receiving: Receiving | None = None

    async def stop(self) -> None:
        """Stop everything; a second call does nothing (a test may stop, then restart)."""
        if self.stopped:
            return
        self.stopped = True
        if self.bulletins is not None:
            await self.bulletins.stop()
        await self.notifier.stop()
        if self.zalo is not None:  # after every sender: its HTTP client closes with it
            await self.zalo.stop()
        if self.zalo_bot is not None:
            await self.zalo_bot.stop()
        if self.receiving is not None:  # the webhook inbox's updates being handled finish
            await self.receiving.stop()
        if self.application.updater and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        self.scheduler.shutdown(wait=False)
        await self.application.shutdown()
        if self.sms is not None:
            await self.sms.stop()
        await self.services.db.close()


async def prepare_storage(config: Config, clock: Clock) -> tuple[Database, Directory]:
    """Migrate the schema and make the config's units and staff true in the database."""
    db = open_database(config.storage_url, timezone=config.timezone.key)
    try:
        await upgrade_to_head(db)
        directory = Directory(db)
        await directory.sync_from_config(
            [Unit(u.code, u.name, u.parent) for u in config.units],
            [StaffMember(address_of_chat(s.telegram_id), Role(s.role), s.unit, from_config=True,
                         zalo_user_id=s.zalo_user_id)
             for s in config.staff],
            clock.now(),
        )
    except BaseException:
        await db.close()
        raise
    return db, directory


async def open_tips(config: Config, db: Database, directory: Directory, clock: Clock,
                    environ: Mapping[str, str]) -> TipsContext:
    """The secret key (refusing to start if its file vanished, or the key changed, while tips
    exist) and the tips domain built on it."""
    async with db.reading() as conn:
        tips_exist = await any_tip_exists(conn)
    secret_key = load_secret_key(config.secret_key_env, environ, config.bot.data_dir,
                                 tips_exist=tips_exist)
    anonymizer = Anonymizer(secret_key)
    await check_key_fingerprint(db, anonymizer.key_fingerprint, tips_exist=tips_exist,
                                env_name=config.secret_key_env, environ=environ,
                                data_dir=config.bot.data_dir, now=clock.now())
    return TipsContext(db=db, clock=clock, anonymizer=anonymizer,
                       tr=Translator(config.language), tz=config.timezone,
                       settings=config.tips, outcome_kinds=config.outcome_kinds,
                       directory=directory)


async def start_bot(config: Config, token: str, clock: Clock, *, poll_timeout: int = 30,
                    environ: Mapping[str, str] | None = None,
                    inbox: WebhookInbox | None = None) -> RunningBot:
    """``inbox``: the webhook inbox's door ``python -m bot run`` opened before this process
    became the leader; None opens one here when the config says webhook."""
    db, directory = await prepare_storage(config, clock)
    try:
        tips = await open_tips(config, db, directory, clock,
                               os.environ if environ is None else environ)
    except BaseException:
        await db.close()
        raise
    services = Services(config=config, db=db, directory=directory, clock=clock, tips=tips)
    application = build_application(services, token)
    scheduler: AsyncIOScheduler | None = None
    bulletins: BulletinRuntime | None = None
    sms: SmsRuntime | None = None
    zalo: ZaloRuntime | None = None
    zalo_bot: ZaloBotRuntime | None = None
    # Every notice and relay goes through the router, each address through its own channel.
    router = ChannelRouter()
    services.group_directories = router
    notifier = Notifier(db, router, tips.anonymizer, clock, tips.tr, words=notice_words(tips))
    tips.wake_notifier = notifier.wake
    delivery_bot = open_delivery_bot(services, token)  # shut down by ``bulletins`` once started
    try:
        # Both ask getMe (checking the token): side by side, one round trip to Telegram.
        await asyncio.gather(application.initialize(), delivery_bot.initialize())
        services.bot_username = application.bot.username
        # One line per channel; Zalo OA and SMS register beside it when configured.
        router.register(TELEGRAM, TelegramChannel(application.bot, services.bot_username))
        router.register_groups(TELEGRAM, TelegramGroups(application.bot))
        if config.sms is not None:
            sms = await start_sms(config.sms, db, directory, tips, config.language,
                                  os.environ if environ is None else environ, router)
            router.register(sms.name, sms.channel)
        await publish_menus(application.bot, services)
        scheduler = start_jobs(application.bot, services)
        await application.start()
        # Links that expired while the bot was down go before anything is sent (then hourly).
        await purge_relay_links(services)
        await notifier.start()
        await queue_missing_staff_notices(tips)
        # Zalo OA when [zalo_oa] is configured: registered in the router, its webhook started.
        zalo = await start_zalo(config, tips, router, os.environ if environ is None else environ,
                                telegram_file_reader(application.bot))
        # Zalo Bot when [zalo_bot] is configured: registered in the router, receiving.
        zalo_bot = await start_zalo_bot(config, tips, router,
                                        os.environ if environ is None else environ)
        # Catch-up before polling: a weekly summary missed while down is queued once, now.
        await send_weekly_summaries(services)
        # Bulletin copies go through the same adapters as notices (Telegram's has a Bot of its
        # own there): SMS subscribers, and Zalo OA groups once groups can be linked.
        also = [(sms.name, sms.channel)] if sms else []
        if zalo is not None:
            also.append((ZALO_OA, zalo.channel))
        bulletins = await start_bulletins(services, delivery_bot, scheduler, also=also,
                                          sms_tariff=sms.billing if sms else None)
        receiving = await start_receiving(application, config, poll_timeout,
                                          os.environ if environ is None else environ,
                                          db, clock, inbox)
    except BaseException:
        if bulletins is not None:
            await bulletins.stop()
        else:
            await delivery_bot.shutdown()
        await notifier.stop()
        if zalo is not None:
            await zalo.stop()
        if zalo_bot is not None:
            await zalo_bot.stop()
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if application.running:
            await application.stop()
        await application.shutdown()
        if sms is not None:
            await sms.stop()
        await db.close()
        raise
    log.info("bot started (%d units, %d staff)", len(directory.tree), len(directory.all_staff()))
    return RunningBot(application, services, scheduler, notifier, bulletins, sms, zalo=zalo,
                      zalo_bot=zalo_bot, receiving=receiving)
