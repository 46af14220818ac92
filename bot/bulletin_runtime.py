"""Wiring of the bulletin desk (``broadcasts.desk``): the Telegram channels it sends through,
and starting/stopping it with its jobs.

Bulletin copies go through a Bot of the delivery engine's own (``channels.telegram_delivery``
says why); notices to staff go through the Application's.
"""

from __future__ import annotations

from dataclasses import dataclass

from apscheduler.schedulers.base import BaseScheduler
from telegram import Bot

from bot.services import Services
from broadcasts.desk import BulletinDesk
from broadcasts.scheduler import BulletinJobs
from channels.telegram import TelegramChannel
from channels.telegram_delivery import DeliveryChannel, delivery_bot
from ops.request import InstrumentedRequest

DELIVERY_WORKERS = 12


@dataclass
class BulletinRuntime:
    desk: BulletinDesk
    jobs: BulletinJobs
    bot: Bot

    async def stop(self) -> None:
        await self.jobs.stop()
        await self.desk.stop()
        await self.bot.shutdown()


async def start_bulletins(services: Services, token: str, notice_bot: Bot,
                          scheduler: BaseScheduler) -> BulletinRuntime:
    """Start the desk: resume pending deliveries, report uncertain ones, schedule the slots
    and run any slot missed while the bot was down."""
    bot = delivery_bot(services.config, token, DELIVERY_WORKERS, InstrumentedRequest)
    await bot.initialize()
    desk = BulletinDesk(db=services.db, directory=services.directory, config=services.config,
                        clock=services.clock, delivery_channel=DeliveryChannel(bot),
                        notice_channel=TelegramChannel(notice_bot),
                        bot_username=services.bot_username, workers=DELIVERY_WORKERS)
    services.bulletins = desk
    jobs = BulletinJobs(scheduler, desk)
    await desk.start()
    await jobs.start()
    return BulletinRuntime(desk, jobs, bot)
