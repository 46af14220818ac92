"""The statistics' running totals for a batch of deliveries just sent, in a few statements.

What it counts is exactly what ``stats_rollup.delivery_sent`` counts row by row (a pair on the
day it was first delivered, per bulletin and per channel; a group's distinct bulletins in its
week and the scope's histogram of judged groups): the rows' facts are read in one statement,
the additions summed per key, and each sum written once. A paid broadcast sends up to 1,000
copies a second; row by row these totals cost more than everything else a copy costs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import TextClause, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.prepared import prepared
from storage.rollup_tables import (
    stats_channel_days,
    stats_delivery_days,
    stats_group_weeks,
    stats_week_groups,
)
from storage.schema import deliveries, groups
from storage.stats_rollup import SENT, add_in_scopes, judged_in, local_day, week_of, zone_of


async def deliveries_sent(conn: AsyncConnection, delivery_ids: Sequence[int],
                          sent_at: datetime) -> None:
    """Call after these rows became ``sent`` (in the same transaction)."""
    if not delivery_ids:
        return
    ids = list(delivery_ids)
    # The pair's rows delivered before this batch: a pair counts once, on its first delivery.
    same_pair = deliveries.alias("same_pair")
    sent_before = (select(func.count()).select_from(same_pair)
                   .where(same_pair.c.bulletin_id == deliveries.c.bulletin_id,
                          same_pair.c.group_id == deliveries.c.group_id,
                          same_pair.c.status == SENT, same_pair.c.id.not_in(ids))
                   .scalar_subquery())
    rows = (await conn.execute(
        select(deliveries.c.bulletin_id, deliveries.c.group_id, groups.c.unit_id,
               groups.c.address, groups.c.status, groups.c.registered_at,
               sent_before.label("sent_before"))
        .select_from(deliveries.join(groups, groups.c.id == deliveries.c.group_id))
        .where(deliveries.c.id.in_(ids)).order_by(deliveries.c.id))).all()
    seen: set[tuple[int, int]] = set()  # pairs first delivered within this batch
    zone = zone_of(conn)
    day = local_day(sent_at, zone)
    week = week_of(day)
    pairs: Counter[tuple[int, int]] = Counter()  # (unit, bulletin)
    channels: Counter[tuple[int, str]] = Counter()  # (unit, channel)
    histogram: Counter[tuple[int, int]] = Counter()  # (unit, bulletins that week): groups
    upsert = _group_week_upsert(conn.dialect.name)
    for row in rows:
        pair = (row.bulletin_id, row.group_id)
        if row.sent_before or pair in seen:
            continue  # a forced re-send: not a second delivery (stats_rollup.delivery_sent)
        seen.add(pair)
        pairs[row.unit_id, row.bulletin_id] += 1
        channels[row.unit_id, row.address.channel] += 1
        bulletins = (await conn.execute(upsert, {"group_id": row.group_id,
                                                 "week": week})).scalar_one()
        if judged_in(week, row.status, row.registered_at, zone):
            if bulletins > 1:
                histogram[row.unit_id, bulletins - 1] -= 1
            histogram[row.unit_id, bulletins] += 1
    for (unit_id, bulletin_id), count in pairs.items():
        await add_in_scopes(conn, stats_delivery_days, unit_id,
                            {"day": day, "bulletin_id": bulletin_id}, {"pairs": count,
                                                                       "failed": 0})
    for (unit_id, channel), count in channels.items():
        await add_in_scopes(conn, stats_channel_days, unit_id, {"day": day, "channel": channel},
                            {"deliveries": count, "failed": 0, "tips": 0})
    for (unit_id, bulletins), count in sorted(histogram.items()):
        if count:
            await add_in_scopes(conn, stats_week_groups, unit_id,
                                {"week": week, "bulletins": bulletins}, {"groups": count})


@cache
def _group_week_upsert(dialect: str) -> TextClause:
    # Spelled out once (as stats_rollup._upsert_in_scopes): SQLAlchemy compiles the dialects'
    # on_conflict_do_update anew on every call.
    del dialect  # the same text for SQLite and PostgreSQL; one entry per dialect all the same
    table = stats_group_weeks.name
    return prepared(text(
        f"INSERT INTO {table} (group_id, week, bulletins) VALUES (:group_id, :week, 1)"
        f" ON CONFLICT (group_id, week) DO UPDATE SET bulletins = {table}.bulletins + 1"
        f" RETURNING {table}.bulletins"
    ).bindparams(bindparam("group_id", type_=stats_group_weeks.c.group_id.type),
                 bindparam("week", type_=stats_group_weeks.c.week.type))
        .columns(stats_group_weeks.c.bulletins))

