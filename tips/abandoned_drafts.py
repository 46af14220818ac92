"""Half-written tips that nobody finished are deleted after a while, and with them the files
kept for them (``storage.tip_media``: a Zalo photo or file of a draft dropped, given up, or
refused after it was downloaded). Run hourly by the scheduler, beside the relay-link purge."""

from __future__ import annotations

import logging
from datetime import timedelta

from storage.tip_media import delete_unclaimed
from storage.tip_senders import delete_drafts_untouched_since
from tips.followup_links import HasTipsStorage

log = logging.getLogger(__name__)

# A draft holds what someone began to report but never sent: the bot keeps no more of it than
# it must. A week lets a tipster who started at night finish days later (a draft survives
# restarts); a draft untouched that long was given up, and /tip starts afresh in a moment.
ABANDONED_DRAFT_DAYS = 7
# A file is kept this long at least without a draft: it may be on its way into one right now.
UNCLAIMED_FILE_GRACE = timedelta(hours=1)


async def expire_abandoned_drafts(services: HasTipsStorage) -> int:
    now = services.clock.now()
    before = now - timedelta(days=ABANDONED_DRAFT_DAYS)
    async with services.db.transaction() as conn:
        expired = await delete_drafts_untouched_since(conn, before)
        files = await delete_unclaimed(conn, now - UNCLAIMED_FILE_GRACE)
    if files:
        log.info("deleted %d file(s) of tips never sent", files)
    if expired:
        log.info("deleted %d half-written tip(s) untouched for %d days", expired,
                 ABANDONED_DRAFT_DAYS)
    return expired
