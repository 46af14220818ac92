"""What a start finds among the delivery rows, and the uncertain rows' way back (SPEC §12): rows
still pending are sent again; rows left ``sending`` by a crash become ``uncertain`` (never
re-sent on their own) and their sender is owed a notice, written in the same commit; an
officer's re-send turns exactly one dispatch's uncertain rows back to pending.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.deliveries import ALERT, PENDING, SENDING, UNCERTAIN
from storage.schema import deliveries, dispatches


async def pending_by_dispatch(conn: AsyncConnection) -> dict[int, list[int]]:
    """Start-up: every pending row, to be sent now, grouped by dispatch."""
    rows = await conn.execute(select(deliveries.c.id, deliveries.c.dispatch_id)
                              .where(deliveries.c.status == PENDING).order_by(deliveries.c.id))
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row.dispatch_id, []).append(row.id)
    return found


async def alert_dispatches(conn: AsyncConnection, dispatch_ids: Collection[int]) -> set[int]:
    """Which of these dispatches are alerts (their rows go before any other)."""
    if not dispatch_ids:
        return set()
    rows = await conn.execute(select(dispatches.c.id).where(
        dispatches.c.id.in_(list(dispatch_ids)), dispatches.c.kind == ALERT))
    return {r.id for r in rows}


async def sending_to_uncertain(conn: AsyncConnection, now: datetime) -> dict[int, int]:
    """Start-up: rows left ``sending`` by a crash become uncertain. Count per dispatch."""
    rows = (await conn.execute(
        select(deliveries.c.dispatch_id, func.count())
        .where(deliveries.c.status == SENDING).group_by(deliveries.c.dispatch_id))).all()
    await conn.execute(update(deliveries).where(deliveries.c.status == SENDING)
                       .values(status=UNCERTAIN, last_error="interrupted", updated_at=now))
    # In the same commit: the sender is owed a notice until ``uncertain_reported``, so a crash
    # before it is sent cannot lose it (the rows are no longer "sending" to find it again).
    for dispatch_id, count in rows:
        await conn.execute(update(dispatches).where(dispatches.c.id == dispatch_id).values(
            uncertain_unreported=func.coalesce(dispatches.c.uncertain_unreported, 0) + count))
    return {r[0]: r[1] for r in rows}


async def unreported_uncertain(conn: AsyncConnection) -> dict[int, int]:
    """Uncertain rows per dispatch that the sender has not been told of yet."""
    rows = await conn.execute(select(dispatches.c.id, dispatches.c.uncertain_unreported)
                              .where(dispatches.c.uncertain_unreported.is_not(None))
                              .order_by(dispatches.c.id))
    return {r.id: r.uncertain_unreported for r in rows}


async def uncertain_reported(conn: AsyncConnection, dispatch_id: int) -> None:
    await conn.execute(update(dispatches).where(dispatches.c.id == dispatch_id)
                       .values(uncertain_unreported=None))


async def uncertain_to_pending(conn: AsyncConnection, dispatch_id: int,
                               now: datetime) -> list[int]:
    """An officer chose to re-send the uncertain rows of one dispatch: exactly those rows."""
    # One statement that re-checks the status: two officers pressing at once cannot turn a
    # row the first press already sent back into pending.
    rows = await conn.execute(update(deliveries).where(
        deliveries.c.dispatch_id == dispatch_id, deliveries.c.status == UNCERTAIN)
        .values(status=PENDING, updated_at=now).returning(deliveries.c.id))
    return [r.id for r in rows]
