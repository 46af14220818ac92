"""The "copies left uncertain" notice of one dispatch, owed until it is queued
(``broadcasts.dispatch_reports``): how many copies it is owed for, and the conditional mark that
it was queued. The notice is drawn in a read transaction; the mark and the queueing share one
short write transaction, and the mark names the count the notice told, so a second process, or
a later restart that found more uncertain copies, is never told of under a stale count."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import dispatches


async def unreported_count(conn: AsyncConnection, dispatch_id: int) -> int | None:
    """Uncertain copies of the dispatch its sender has not been told of; None: none owed."""
    return (await conn.execute(select(dispatches.c.uncertain_unreported)
                               .where(dispatches.c.id == dispatch_id))).scalar()


async def mark_reported(conn: AsyncConnection, dispatch_id: int, count: int) -> bool:
    """The notice told of ``count`` copies: owed no more. False when the count owed is not that
    one any more (another process told it, or more copies were found since)."""
    result = await conn.execute(
        update(dispatches)
        .where(dispatches.c.id == dispatch_id, dispatches.c.uncertain_unreported == count)
        .values(uncertain_unreported=None))
    return result.rowcount == 1
