"""Staff questions (and other notices) that Zalo refused because the tipster's reply window had
closed (``failures.OutsideReplyWindow``: -230, -232), sent when that tipster next writes to the
OA: Zalo takes consultation messages again from then (SPEC §13).

The officer was told at the refusal that the question did not arrive (the relay's usual
failure path); when it goes out later, ``/status`` shows it delivered. Each failed row's tip
gives back its sealed relay link, which is opened to see whether it is this writer's: nothing
here compares or keeps a Zalo id in clear.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from channels.zalo_oa.failures import NO_RECENT_INTERACTION, OUTSIDE_REPLY_WINDOW
from core.address import Address
from storage import tips as tip_store
from storage import waiting_relays
from tips.context import TipsContext

log = logging.getLogger(__name__)

# The error texts the adapter gives these refusals end with Zalo's code ("… (-230)").
WINDOW_REFUSALS = (f"({OUTSIDE_REPLY_WINDOW})", f"({NO_RECENT_INTERACTION})")
# Older refusals are not looked at again (a tip's follow-up window is shorter anyway).
LOOK_BACK = timedelta(days=90)


async def send_waiting_questions(ctx: TipsContext, sender: Address) -> int:
    """Queue again what waited for ``sender`` to write; how many notices were."""
    now = ctx.clock.now()
    queued = 0
    async with ctx.db.transaction() as conn:
        for row_id, tip_id in await waiting_relays.refused_for_now(conn, WINDOW_REFUSALS,
                                                                    now - LOOK_BACK):
            link = await tip_store.live_relay_link_of(conn, tip_id, now)
            if link is None or ctx.anonymizer.open_address(link) != sender:
                continue
            await waiting_relays.queue_again(conn, row_id, link, now)
            queued += 1
    if queued:
        log.info("Zalo: %d notice(s) that waited for a tipster's next message queued again",
                 queued)
        ctx.wake_notifier(None)
    return queued
