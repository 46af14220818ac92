"""Notices to tipsters that failed only because the channel would not take them *yet* (Zalo's
7-day reply window: SPEC §13), found again and queued once more when that tipster writes.

The outbox forgets a failed row's relay link (``outbox.mark_failed``), so the link comes back
from the tip itself, and only while its follow-up window is open (``tips.live_relay_link_of``).
Which rows are "not yet" is the channel's to say (``reason_endings``: the end of the error
text its adapter gave); this module knows no platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.outbox import FAILED, PENDING
from storage.tips_tables import outbox


async def refused_for_now(conn: AsyncConnection, reason_endings: Sequence[str],
                          since: datetime) -> list[tuple[int, int]]:
    """``(row id, tip id)`` of failed notices to tipsters written since ``since`` whose error
    ends with one of ``reason_endings``, oldest first."""
    rows = await conn.execute(
        select(outbox.c.id, outbox.c.tip_id)
        .where(outbox.c.status == FAILED, outbox.c.address.is_(None),
               outbox.c.tip_id.is_not(None), outbox.c.created_at >= since,
               or_(*(outbox.c.last_error.like(f"%{ending}") for ending in reason_endings)))
        .order_by(outbox.c.id))
    return [(row_id, tip_id) for row_id, tip_id in rows]


async def queue_again(conn: AsyncConnection, row_id: int, relay_link: str,
                      now: datetime) -> None:
    """The row goes out again, from its first message, through ``relay_link``."""
    await conn.execute(update(outbox).where(outbox.c.id == row_id, outbox.c.status == FAILED)
                       .values(status=PENDING, relay_link=relay_link, attempts=0,
                               not_before=now, last_error=None, failure=None, parts_sent=0))
