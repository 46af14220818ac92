"""Inbound events of Zalo OA, Zalo Bot and SMS claimed before they are handled (SPEC §11, §12,
§13): never handled twice, and no silent loss.

A claim is one row per event key (an HMAC made by the channel: nothing about the sender), in the
channel's own table. It is committed ``handling`` before the event is handled and becomes
``done`` after; a handling that failed deletes it, so the platform's retry is handled. A row
still ``handling`` that no live handling holds was left by a process that died mid-way: it
becomes ``uncertain`` (the channel counts and logs it) and the event is never handled again,
like a delivery left ``sending`` (SPEC §12). Rows are pruned by age once the platform would no
longer deliver the event again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Table, and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conflict_insert import conflict_insert
from storage.schema import sms_seen_messages, zalo_bot_handled_messages, zalo_seen_events

HANDLING, DONE, UNCERTAIN = "handling", "done", "uncertain"


@dataclass(frozen=True)
class ClaimTable:
    """One channel's table of claims: its key column and the time it was claimed."""

    table: Table
    key: Column[str]
    claimed_at: Column[datetime]

    @property
    def state(self) -> Column[str]:
        return self.table.c.state


ZALO_OA_EVENTS = ClaimTable(zalo_seen_events, zalo_seen_events.c.event_key,
                            zalo_seen_events.c.seen_at)
ZALO_BOT_MESSAGES = ClaimTable(zalo_bot_handled_messages,
                               zalo_bot_handled_messages.c.message_key,
                               zalo_bot_handled_messages.c.handled_at)
SMS_MESSAGES = ClaimTable(sms_seen_messages, sms_seen_messages.c.message_key,
                          sms_seen_messages.c.seen_at)


async def claim(conn: AsyncConnection, claims: ClaimTable, key: str, now: datetime) -> str | None:
    """None when the event is claimed now (``handling``); else the state of the claim already
    there (``handling``, ``done`` or ``uncertain``)."""
    inserted = await conn.execute(
        conflict_insert(conn, claims.table).on_conflict_do_nothing()
        .values({claims.key.name: key, claims.claimed_at.name: now, "state": HANDLING}))
    if inserted.rowcount == 1:
        return None
    state = await conn.scalar(select(claims.state).where(claims.key == key))
    # Deleted between the two statements (a failed handling released it): claim it again.
    return state if state is not None else await claim(conn, claims, key, now)


async def finish(conn: AsyncConnection, claims: ClaimTable, key: str) -> None:
    """handling → done. A claim already set ``uncertain`` (a sweep that thought its holder
    dead) stays so: it was counted as such."""
    await conn.execute(update(claims.table)
                       .where(and_(claims.key == key, claims.state == HANDLING))
                       .values(state=DONE))


async def release(conn: AsyncConnection, claims: ClaimTable, key: str) -> None:
    """A handling that failed: the claim goes, so the platform's retry is handled."""
    await conn.execute(delete(claims.table)
                       .where(and_(claims.key == key, claims.state == HANDLING)))


async def set_uncertain(conn: AsyncConnection, claims: ClaimTable, key: str) -> bool:
    """handling → uncertain for one claim whose holder is gone. False when it was not
    ``handling`` any more."""
    result = await conn.execute(update(claims.table)
                                .where(and_(claims.key == key, claims.state == HANDLING))
                                .values(state=UNCERTAIN))
    return result.rowcount == 1


async def give_up_handling(conn: AsyncConnection, claims: ClaimTable) -> int:
    """handling → uncertain for every claim: at a receiver's start no handling of this process
    holds one, so each was held by a process that died. How many."""
    result = await conn.execute(update(claims.table).where(claims.state == HANDLING)
                                .values(state=UNCERTAIN))
    return result.rowcount


async def prune(conn: AsyncConnection, claims: ClaimTable, claimed_before: datetime) -> int:
    """Finished claims older than any delivery of the event the platform may still make."""
    result = await conn.execute(delete(claims.table).where(and_(
        claims.claimed_at < claimed_before, claims.state != HANDLING)))
    return result.rowcount
