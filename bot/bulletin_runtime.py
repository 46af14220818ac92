"""Wiring of the bulletin desk (``broadcasts.desk``): the channels it sends through, and
starting/stopping it with its jobs.

Bulletin copies go through a router of their own (``bot.channel_router``), in which Telegram's
adapter is on a Bot of the delivery engine's own (``channels.telegram_delivery`` says why);
notices to staff go through the bot's router, the one the outbox uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from apscheduler.schedulers.base import BaseScheduler
from telegram import Bot

from bot.channel_router import ChannelRouter
from bot.services import Services
from broadcasts.desk import BulletinDesk
from broadcasts.pacing import SendPacer
from broadcasts.scheduler import BulletinJobs
from broadcasts.sms_cost import SmsTariff
from channels.bot_api_client import BotApiClient
from channels.telegram_delivery import DeliveryChannel, delivery_bot, paid_client
from core.address import TELEGRAM
from core.outbound import ChannelAdapter
from ops.request import InstrumentedRequest

DELIVERY_WORKERS = 12
# Connections for paid copies: 1,000 a second with each answer taking up to a quarter of a
# second needs 250 requests on the wire at once (broadcasts.paid_lane has up to 400 under way);
# a copy waiting for a connection holds its pacer token, so too few cost pace.
PAID_CONNECTIONS = 256


@dataclass
class BulletinRuntime:
    desk: BulletinDesk
    jobs: BulletinJobs
    bot: Bot
    paid_client: BotApiClient | None = None

    async def stop(self) -> None:
        await self.jobs.stop()
        await self.desk.stop()
        await self.bot.shutdown()
        if self.paid_client is not None:
            await self.paid_client.close()


def open_delivery_bot(services: Services, token: str) -> Bot:
    """The delivery engine's own Bot, not yet initialized: ``bot.runtime`` initializes it beside
    the Application's (each asks ``getMe``), so a start waits for one round trip, not two."""
    lean = services.config.telegram.http_client == "lean"
    return delivery_bot(services.config, token, DELIVERY_WORKERS,
                        partial(InstrumentedRequest, lean=lean))


async def start_bulletins(services: Services, bot: Bot, scheduler: BaseScheduler,
                          also: Iterable[tuple[str, ChannelAdapter]] = (),
                          sms_tariff: SmsTariff | None = None) -> BulletinRuntime:
    """Start the desk: resume pending deliveries, report uncertain ones, schedule the slots
    and run any slot missed while the bot was down. ``bot``: from :func:`open_delivery_bot`,
    initialized; the returned runtime shuts it down. ``also``: the other configured channels'
    adapters (SMS), which bulletin copies go through as they are; ``sms_tariff``: the SMS
    adapter's billing, for the cost an officer confirms before a direct send."""
    # Paid copies (up to 1,000 a second) go through a lean client: channels.bot_api_client.
    paid = (paid_client(bot, PAID_CONNECTIONS) if services.config.bulletins.paid_broadcast
            else None)
    telegram = DeliveryChannel(bot, services.bot_username, lean=paid)
    delivery = ChannelRouter([(TELEGRAM, telegram), *also])
    desk = BulletinDesk(db=services.db, directory=services.directory, config=services.config,
                        clock=services.clock, delivery_channel=delivery,
                        bot_username=services.bot_username, workers=DELIVERY_WORKERS,
                        sms_tariff=sms_tariff)
    # Group copies take their turn from the budget the Application's answers share, so an
    # answer to a resident never waits behind a broadcast (``channels.telegram_flood``).
    desk.engine.use_pacer(TELEGRAM, SendPacer(overall=services.telegram_flood))
    services.bulletins = desk
    desk.wake_notices = services.tips.wake_notifier  # "queue ran dry" goes through the outbox
    jobs = BulletinJobs(scheduler, desk)
    await desk.start()
    await jobs.start()
    return BulletinRuntime(desk, jobs, bot, paid)
