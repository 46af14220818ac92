"""The relay links' end of life (SPEC §3.4): deleted once a tip has been closed for
``tips.followup_days``. Run hourly by the scheduler."""

from __future__ import annotations

import logging
from typing import Protocol

from bot.clock import Clock
from storage.db import Database
from storage.tips import purge_expired_relay_links

log = logging.getLogger(__name__)


class HasTipsStorage(Protocol):
    db: Database
    clock: Clock


async def purge_relay_links(services: HasTipsStorage) -> int:
    async with services.db.transaction() as conn:
        purged = await purge_expired_relay_links(conn, services.clock.now())
    if purged:
        log.info("deleted %d follow-up link(s) of long-closed tips", purged)
    return purged
