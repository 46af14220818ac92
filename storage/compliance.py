"""Bulletins each group received in a time window: the raw figures behind weekly compliance."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.groups import ACTIVE
from storage.schema import deliveries, groups, units


@dataclass(frozen=True)
class GroupTally:
    address: Address
    title: str
    unit_code: str
    bulletins: int


async def bulletins_per_group(conn: AsyncConnection, unit_codes: Collection[str],
                              start: datetime, end: datetime) -> list[GroupTally]:
    """Distinct bulletins sent to each active group of ``unit_codes`` in ``[start, end)``."""
    sent_in_window = and_(deliveries.c.group_id == groups.c.id, deliveries.c.status == "sent",
                          deliveries.c.sent_at >= start, deliveries.c.sent_at < end)
    rows = await conn.execute(
        select(groups.c.address, groups.c.title, units.c.code,
               func.count(distinct(deliveries.c.bulletin_id)).label("bulletins"))
        .select_from(groups.join(units, groups.c.unit_id == units.c.id)
                     .outerjoin(deliveries, sent_in_window))
        .where(groups.c.status == ACTIVE, units.c.code_key.in_([c.upper() for c in unit_codes]))
        .group_by(groups.c.address, groups.c.title, units.c.code)
        .order_by(units.c.code, groups.c.title))
    return [GroupTally(r.address, r.title, r.code, r.bulletins) for r in rows]
