"""Wiring of the bulletin desk: the Telegram channel its delivery engine sends through, and
starting/stopping it with its jobs.

The delivery engine gets a Bot of its own, not the Application's, for three reasons:
* no PTB ``AIORateLimiter``: the engine paces itself (``broadcasts.pacing``, justified by
  ``bench/broadcast.py``), and two limiters in series only add delay;
* a long read timeout: a slow answer is waited for, because giving up on it leaves the message
  possibly delivered - and then the row can only be reported as uncertain;
* a connection pool sized to the engine's workers, apart from the pool that serves updates.

A timeout is reported as ``MaybeDelivered`` (the request may have reached Telegram), unlike a
5xx or a refused connection, after which nothing was delivered and a retry is safe.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from apscheduler.schedulers.base import BaseScheduler
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.config_model import Config
from broadcasts.delivery import MaybeDelivered
from broadcasts.desk import BulletinDesk
from broadcasts.scheduler import BulletinJobs
from channels.outbound import OutboundMessage, TransientFailure
from channels.telegram import TelegramChannel
from core.address import Address
from handlers.context import Services
from storage.bulletins import find_bulletin

DELIVERY_READ_TIMEOUT = 60.0  # seconds; Telegram answers in well under a second when healthy
DELIVERY_WORKERS = 12


class DeliveryChannel(TelegramChannel):
    async def send(self, to: Address, message: OutboundMessage) -> int:
        try:
            return await super().send(to, message)
        except TransientFailure as failure:
            if _may_have_arrived(failure.__cause__):
                raise MaybeDelivered(failure.reason) from failure.__cause__
            raise


def _may_have_arrived(error: BaseException | None) -> bool:
    """After a timeout, a reset or a dropped connection Telegram may have the message; only a
    failure to connect (or to get a pooled connection) proves the request never left."""
    if not isinstance(error, NetworkError):
        return False
    root = error.__cause__
    if isinstance(root, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return False
    # A 5xx answer from Telegram raises NetworkError without an httpx cause: it was refused.
    return root is not None or isinstance(error, TimedOut)


def delivery_bot(config: Config, token: str, workers: int = DELIVERY_WORKERS) -> Bot:
    request = HTTPXRequest(connection_pool_size=workers + 4, read_timeout=DELIVERY_READ_TIMEOUT,
                           write_timeout=30.0, connect_timeout=10.0, pool_timeout=30.0)
    return Bot(token, base_url=config.telegram.api_base_url,
               base_file_url=config.telegram.api_file_url, request=request)


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
    bot = delivery_bot(services.config, token)
    await bot.initialize()
    desk = BulletinDesk(db=services.db, directory=services.directory, config=services.config,
                        clock=services.clock, delivery_channel=DeliveryChannel(bot),
                        notice_channel=TelegramChannel(notice_bot),
                        bot_username=services.bot_username, workers=DELIVERY_WORKERS)
    services.bulletins = desk

    async def bulletin_unit(bulletin_id: int) -> str | None:
        async with services.db.reading() as conn:
            bulletin = await find_bulletin(conn, bulletin_id)
        return bulletin.unit_code if bulletin else None

    services.bulletin_unit = bulletin_unit
    jobs = BulletinJobs(scheduler, desk)
    await desk.start()
    await jobs.start()
    return BulletinRuntime(desk, jobs, bot)
