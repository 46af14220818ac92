"""The figures ``/healthz`` and ``/metrics`` read at each request (SPEC §14): tips filed by
category, bulletin deliveries by state and channel, notices waiting in the outbox.

Counts only, grouped by values that say nothing about a person. Read in one snapshot
(``Database.reading``) so the figures of one scrape agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from storage import deliveries as delivery_rows
from storage import outbox as outbox_rows
from storage.schema import deliveries, groups
from storage.tips_tables import outbox, tips

# Rows not done yet: waiting for their turn, or in the middle of their request.
WAITING_DELIVERIES = (delivery_rows.PENDING, delivery_rows.SENDING)
WAITING_NOTICES = (outbox_rows.PENDING, outbox_rows.SENDING)


@dataclass(frozen=True)
class OpsFigures:
    tips_by_category: dict[str, int]
    deliveries: dict[tuple[str, str], int]  # (state, channel) → rows
    outbox: dict[str, int]  # state → notices

    @property
    def pending_deliveries(self) -> int:
        return sum(n for (state, _), n in self.deliveries.items() if state in WAITING_DELIVERIES)

    @property
    def outbox_depth(self) -> int:
        return sum(n for state, n in self.outbox.items() if state in WAITING_NOTICES)


def _channel_of_address(conn: AsyncConnection) -> ColumnElement[str]:
    """The ``<channel>`` part of a group's ``<channel>:<id>`` address, in this database's SQL."""
    if conn.dialect.name == "postgresql":
        return func.split_part(groups.c.address, ":", 1, type_=String)
    return func.substr(groups.c.address, 1, func.instr(groups.c.address, ":") - 1, type_=String)


async def read_ops_figures(conn: AsyncConnection) -> OpsFigures:
    tip_rows = await conn.execute(
        select(tips.c.category, func.count()).group_by(tips.c.category))
    channel = _channel_of_address(conn).label("channel")
    delivery_counts = await conn.execute(
        select(deliveries.c.status, channel, func.count())
        .select_from(deliveries.join(groups, groups.c.id == deliveries.c.group_id))
        .group_by(deliveries.c.status, channel))
    outbox_counts = await conn.execute(
        select(outbox.c.status, func.count()).group_by(outbox.c.status))
    return OpsFigures(
        tips_by_category={category: n for category, n in tip_rows},
        deliveries={(state, channel): n for state, channel, n in delivery_counts},
        outbox={state: n for state, n in outbox_counts},
    )
