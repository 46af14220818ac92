"""Half-written tips that nobody finished are deleted after a while. Run hourly by the
scheduler, beside the relay-link purge."""

from __future__ import annotations

import logging
from datetime import timedelta

from storage.tip_senders import delete_drafts_untouched_since
from tips.followup_links import HasTipsStorage

log = logging.getLogger(__name__)

# A draft holds what someone began to report but never sent: the bot keeps no more of it than
# it must. A week lets a tipster who started at night finish days later (a draft survives
# restarts); a draft untouched that long was given up, and /tip starts afresh in a moment.
ABANDONED_DRAFT_DAYS = 7


async def expire_abandoned_drafts(services: HasTipsStorage) -> int:
    before = services.clock.now() - timedelta(days=ABANDONED_DRAFT_DAYS)
    async with services.db.transaction() as conn:
        expired = await delete_drafts_untouched_since(conn, before)
    if expired:
        log.info("deleted %d half-written tip(s) untouched for %d days", expired,
                 ABANDONED_DRAFT_DAYS)
    return expired
