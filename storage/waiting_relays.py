"""Notices to tipsters that failed only because the channel would not take them *yet*
(``Delivery.WAITING``: Zalo OA's 7-day reply window, SPEC §13), found again and queued once more
when that tipster writes.

The outbox forgets a failed row's relay link (``outbox.mark_failed``), so the link comes back
from the tip itself, and only while its follow-up window is open (``tips.live_relay_link_of``,
asked by the caller).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.outbox import FAILED, PENDING
from storage.tip_records import Delivery
from storage.tips_tables import outbox


async def waiting_notices(conn: AsyncConnection, since: datetime) -> list[tuple[int, int]]:
    """``(row id, tip id)`` of notices to tipsters written since ``since`` that wait for the
    tipster's next message, oldest first."""
    rows = await conn.execute(
        select(outbox.c.id, outbox.c.tip_id)
        .where(outbox.c.status == FAILED, outbox.c.failure == Delivery.WAITING.value,
               outbox.c.address.is_(None), outbox.c.tip_id.is_not(None),
               outbox.c.created_at >= since)
        .order_by(outbox.c.id))
    return [(row_id, tip_id) for row_id, tip_id in rows]


async def queue_again(conn: AsyncConnection, row_id: int, relay_link: str,
                      now: datetime) -> None:
    """The row goes out again, from its first message, through ``relay_link``."""
    await conn.execute(update(outbox).where(outbox.c.id == row_id, outbox.c.status == FAILED)
                       .values(status=PENDING, relay_link=relay_link, attempts=0,
                               not_before=now, last_error=None, failure=None, parts_sent=0))
