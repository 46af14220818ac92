"""The relay links' end of life (SPEC §3.4, §12): deleted once a tip has been closed for
``tips.followup_days``. Run at start-up (a bot that was down past a tip's expiry purges it before
anything is sent) and hourly by the scheduler. The expiry holds between two purges as well:
``ask_tipster`` and the outbox worker check it themselves.

Notices still waiting to go through an expired link never will; a question among them is marked
not delivered in its thread, and the officer who asked is told.
"""

from __future__ import annotations

import logging
from typing import Protocol

from core.address import Address
from core.clock import Clock
from storage.db import Database
from storage.tip_records import Delivery
from storage.tips import purge_expired_relay_links
from tips import relay_delivery
from tips.context import TipsContext

log = logging.getLogger(__name__)


class HasTipsStorage(Protocol):
    db: Database
    clock: Clock
    tips: TipsContext


async def purge_relay_links(services: HasTipsStorage) -> int:
    now = services.clock.now()
    told: list[Address] = []
    async with services.db.transaction() as conn:
        purged = await purge_expired_relay_links(conn, now)
        for notice in purged.notices:
            asker = await relay_delivery.tell_asker(conn, services.tips.tr, notice,
                                                    Delivery.LINK_EXPIRED, now)
            if asker is not None:
                told.append(asker)
    if purged.tips:
        log.info("deleted %d follow-up link(s) of long-closed tips", purged.tips)
    if told:
        services.tips.wake_notifier(told)
    return purged.tips
