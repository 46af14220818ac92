"""Staff questions (and other notices) that Zalo refused because the tipster's reply window had
closed (``failures.OutsideReplyWindow``: -230, -232; kept as ``Delivery.WAITING``), sent when
that tipster next writes to the OA: Zalo takes consultation messages again from then (SPEC §13).

The officer was told at the refusal that the question waits for the tipster's next message (the
relay's failure path, with the reason ``relay.reason.waiting``); when it goes out, ``/status``
shows it delivered. Each failed row's tip
gives back its sealed relay link, which is opened to see whether it is this writer's: nothing
here compares or keeps a Zalo id in clear.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from core.address import Address
from storage import tips as tip_store
from storage import waiting_relays
from tips.context import TipsContext

log = logging.getLogger(__name__)

# Older refusals are not looked at again (a tip's follow-up window is shorter anyway).
LOOK_BACK = timedelta(days=90)


async def send_waiting_questions(ctx: TipsContext, sender: Address) -> int:
    """Queue again what waited for ``sender`` to write; how many notices were."""
    now = ctx.clock.now()
    # Read first: nearly always nothing waits, and a read takes no write lock.
    async with ctx.db.reading() as conn:
        waiting = [(row_id, await tip_store.live_relay_link_of(conn, tip_id, now))
                   for row_id, tip_id in await waiting_relays.waiting_notices(
                       conn, now - LOOK_BACK)]
    theirs = [(row_id, link) for row_id, link in waiting
              if link is not None and ctx.anonymizer.open_address(link) == sender]
    if theirs:
        async with ctx.db.transaction() as conn:
            for row_id, link in theirs:
                await waiting_relays.queue_again(conn, row_id, link, now)
    queued = len(theirs)
    if queued:
        log.info("Zalo: %d notice(s) that waited for a tipster's next message queued again",
                 queued)
        ctx.wake_notifier(None)
    return queued
