"""Forced re-sends (SPEC §5 "unless an officer forces it"): a new round of delivery rows for the
groups of an earlier dispatch. The earlier rows stay as they are - the record of what was sent.

Round n+1 is planned from round n of the same (bulletin, group), under the unique key
(bulletin, group, round): a second press of the same confirmation plans the same round again,
which the key refuses, so an accidental double re-send sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from storage.conflict_insert import conflict_insert
from storage.deliveries import OPEN_STATES, PENDING
from storage.groups import ACTIVE
from storage.schema import deliveries, groups


@dataclass(frozen=True)
class ResendTarget:
    bulletin_id: int
    group_id: int
    next_round: int
    channel: str = "telegram"  # of the group's address (a paid alert pays for Telegram's)


async def resend_targets(conn: AsyncConnection, dispatch_id: int) -> list[ResendTarget]:
    """The dispatch's settled rows whose group is still active, and whose bulletin is not being
    sent to that group right now (a re-send beside a copy in flight would be a second copy)."""
    other = aliased(deliveries)
    in_flight = exists().where(and_(other.c.bulletin_id == deliveries.c.bulletin_id,
                                    other.c.group_id == deliveries.c.group_id,
                                    other.c.status.in_(OPEN_STATES)))
    rows = await conn.execute(
        select(deliveries.c.bulletin_id, deliveries.c.group_id, deliveries.c.round,
               groups.c.address)
        .select_from(deliveries.join(groups, deliveries.c.group_id == groups.c.id))
        .where(deliveries.c.dispatch_id == dispatch_id, groups.c.status == ACTIVE,
               deliveries.c.status.not_in(OPEN_STATES), ~in_flight)
        .order_by(deliveries.c.id))
    return [ResendTarget(r.bulletin_id, r.group_id, r.round + 1, r.address.channel)
            for r in rows]


async def plan_round(conn: AsyncConnection, dispatch_id: int, targets: list[ResendTarget],
                     now: datetime) -> list[int]:
    """Pending rows of the next round; a round planned already is skipped, not doubled.
    Returns the ids of the rows planned now."""
    if not targets:
        return []
    for target in targets:
        await conn.execute(conflict_insert(conn, deliveries).on_conflict_do_nothing().values(
            bulletin_id=target.bulletin_id, group_id=target.group_id, round=target.next_round,
            dispatch_id=dispatch_id, status=PENDING, silent=False, attempts=0, created_at=now,
            updated_at=now))
    rows = await conn.execute(select(deliveries.c.id).where(deliveries.c.dispatch_id == dispatch_id)
                              .order_by(deliveries.c.id))
    return [r.id for r in rows]
