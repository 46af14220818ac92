"""The durable inbox of Telegram webhook updates (SPEC §14): one row per ``update_id``.

Any process commits a POSTed update here before answering 200 (a re-POST of the same update is
a no-op); the leader takes rows in ``update_id`` order, marks each ``taken`` just before it is
handled and ``done`` right after, emptying its payload. A row still ``taken`` when a new leader
starts was being handled when a process died: it becomes ``uncertain`` and is not handled again
(like a delivery left ``sending``, SPEC §12), so no update is ever handled twice. ``done`` rows
keep only their id, so that Telegram re-POSTing a handled update (it never saw our 200) is
recognised; they are pruned once Telegram would no longer re-send them.

The payload is sealed by the caller (it holds the sender's ids and name); nothing here reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conflict_insert import conflict_insert
from storage.leader_lock import leader_fence
from storage.schema import telegram_inbox

RECEIVED, TAKEN, DONE, UNCERTAIN, UNREADABLE = (
    "received", "taken", "done", "uncertain", "unreadable")


@dataclass(frozen=True)
class InboxRow:
    update_id: int
    sealed: str


async def accept_update(conn: AsyncConnection, update_id: int, sealed: str,
                        now: datetime) -> bool:
    """True when the update is new; False for one already in the inbox (a re-POST)."""
    result = await conn.execute(
        conflict_insert(conn, telegram_inbox).on_conflict_do_nothing(index_elements=["update_id"])
        .values(update_id=update_id, state=RECEIVED, payload=sealed, received_at=now))
    return result.rowcount == 1


async def received_updates(conn: AsyncConnection, limit: int) -> list[InboxRow]:
    """Rows waiting to be handled, oldest update first."""
    rows = await conn.execute(
        select(telegram_inbox.c.update_id, telegram_inbox.c.payload)
        .where(telegram_inbox.c.state == RECEIVED)
        .order_by(telegram_inbox.c.update_id).limit(limit))
    return [InboxRow(r.update_id, r.payload) for r in rows]


async def take_update(conn: AsyncConnection, update_id: int, now: datetime) -> bool:
    """received → taken. False when it is not waiting any more, or when this process is a
    leader that no longer holds the leader lock (the same fence as delivery claims)."""
    result = await conn.execute(
        update(telegram_inbox)
        .where(and_(telegram_inbox.c.update_id == update_id, telegram_inbox.c.state == RECEIVED,
                    *leader_fence()))
        .values(state=TAKEN, taken_at=now))
    return result.rowcount == 1


async def finish_update(conn: AsyncConnection, update_id: int) -> None:
    """taken → done; the payload (the sender's ids, sealed) is dropped at once."""
    await conn.execute(
        update(telegram_inbox)
        .where(and_(telegram_inbox.c.update_id == update_id, telegram_inbox.c.state == TAKEN))
        .values(state=DONE, payload=None))


async def set_aside_unreadable(conn: AsyncConnection, update_id: int) -> None:
    """A payload this process's key cannot open (another key sealed it): kept as it is, for
    an operator who restores the right key, and never tried again."""
    await conn.execute(
        update(telegram_inbox)
        .where(and_(telegram_inbox.c.update_id == update_id, telegram_inbox.c.state == RECEIVED))
        .values(state=UNREADABLE))


async def give_up_taken(conn: AsyncConnection) -> int:
    """taken → uncertain, payload dropped: rows a dead process was handling. How many."""
    result = await conn.execute(
        update(telegram_inbox).where(telegram_inbox.c.state == TAKEN)
        .values(state=UNCERTAIN, payload=None))
    return result.rowcount


async def prune_finished(conn: AsyncConnection, received_before: datetime) -> int:
    result = await conn.execute(
        delete(telegram_inbox).where(and_(telegram_inbox.c.state.in_((DONE, UNCERTAIN)),
                                          telegram_inbox.c.received_at < received_before)))
    return result.rowcount


async def inbox_counts(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(select(telegram_inbox.c.state, func.count())
                              .group_by(telegram_inbox.c.state))
    return {state: count for state, count in rows}
