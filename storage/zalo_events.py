"""Zalo OA webhook events already handled: a replayed event (the same event name, sender and
message id) is recognised and ignored. Keys are HMACs made by the channel; no sender id is
stored. Rows older than the oldest event the webhook still accepts are pruned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conflict_insert import conflict_insert
from storage.schema import zalo_seen_events


async def remember_event(conn: AsyncConnection, event_key: str, now: datetime) -> bool:
    """True the first time ``event_key`` is seen, False for a replay."""
    result = await conn.execute(conflict_insert(conn, zalo_seen_events).on_conflict_do_nothing()
                                .values(event_key=event_key, seen_at=now))
    return result.rowcount == 1


async def forget_event(conn: AsyncConnection, event_key: str) -> None:
    """An event whose handling failed: Zalo's retry of it must be handled, not ignored."""
    await conn.execute(delete(zalo_seen_events).where(zalo_seen_events.c.event_key == event_key))


async def prune_events(conn: AsyncConnection, seen_before: datetime) -> int:
    result = await conn.execute(delete(zalo_seen_events)
                                .where(zalo_seen_events.c.seen_at < seen_before))
    return result.rowcount
