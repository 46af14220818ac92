"""Rebuilding the statistics' running totals from the rows they count.

The totals are kept per scope unit and per local day, so they are only right for the unit tree
and the timezone they were built with. At start-up (after the config's units are written)
``ensure_rollup`` compares both with what ``stats_rollup_state`` records and rebuilds everything
when either changed, or when the totals were never built (the first start after migration 0007).
A rebuild reads each tip, delivery and outcome once and takes seconds at a province's size
(bench/stats.py prints how long).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import stats_rollup
from storage.rollup_tables import (
    stats_channel_days,
    stats_delivery_days,
    stats_group_weeks,
    stats_outcome_days,
    stats_rollup_state,
    stats_tip_category_days,
    stats_tip_state_days,
    stats_week_groups,
    unit_ancestors,
)
from storage.schema import deliveries, groups, units
from storage.tips_tables import outcomes, tips

log = logging.getLogger(__name__)

STATE_ID = 1
# Bump when what is counted changes: the next start rebuilds. 2: figures by channel (0016).
ROLLUP_VERSION = "2"
BATCH = 5000


async def tree_shape(conn: AsyncConnection) -> dict[int, int | None]:
    """Each unit's id with its parent's id: what the totals were built for."""
    return {r.id: r.parent_id for r in await conn.execute(select(units.c.id, units.c.parent_id))}


def tree_fingerprint(tree: Mapping[int, int | None], zone: ZoneInfo) -> str:
    shape = ";".join(f"{unit}:{parent}" for unit, parent in sorted(tree.items()))
    return hashlib.sha256(f"{ROLLUP_VERSION}|{zone.key}|{shape}".encode()).hexdigest()


def own_scope(unit_id: int) -> int:
    """The scope id of what is linked to ``unit_id`` itself (not to the units below it)."""
    return -unit_id


def scopes_of(tree: Mapping[int, int | None], unit: int) -> list[int]:
    """The scopes ``unit`` counts in: its own, itself (with what is below it), each unit above."""
    chain, current, seen = [own_scope(unit)], unit, set()
    while current is not None and current not in seen:  # config and /unit both forbid cycles
        seen.add(current)
        chain.append(current)
        current = tree.get(current)
    return chain


def _ancestors(tree: Mapping[int, int | None]) -> dict[int, list[int]]:
    return {unit: scopes_of(tree, unit) for unit in tree}


async def ensure_rollup(conn: AsyncConnection, now: datetime) -> bool:
    """Rebuild the totals if they were built for another tree or timezone; True if it did."""
    zone = stats_rollup.zone_of(conn)
    if await recorded_fingerprint(conn) == tree_fingerprint(await tree_shape(conn), zone):
        return False
    await rebuild_rollup(conn, now)
    return True


async def recorded_fingerprint(conn: AsyncConnection) -> str | None:
    """The fingerprint of the tree (and timezone) the totals were last built or kept for."""
    return (await conn.execute(select(stats_rollup_state.c.units_fingerprint)
                               .where(stats_rollup_state.c.id == STATE_ID))).scalar()


async def rebuild_rollup(conn: AsyncConnection, now: datetime) -> None:
    zone = stats_rollup.zone_of(conn)
    tree = await tree_shape(conn)
    ancestors = _ancestors(tree)
    for table in (unit_ancestors, stats_tip_category_days, stats_tip_state_days,
                  stats_delivery_days, stats_channel_days, stats_outcome_days,
                  stats_group_weeks, stats_week_groups, stats_rollup_state):
        await conn.execute(delete(table))
    await _insert(conn, unit_ancestors, [{"unit_id": unit, "ancestor_id": ancestor}
                                         for unit, chain in ancestors.items()
                                         for ancestor in chain])
    by_channel = ChannelCounts()
    await _rebuild_tips(conn, ancestors, zone, by_channel)
    await _rebuild_outcomes(conn, ancestors, zone)
    await _rebuild_deliveries(conn, ancestors, zone, by_channel)
    await _insert(conn, stats_channel_days, by_channel.rows(ancestors))
    await conn.execute(stats_rollup_state.insert().values(
        id=STATE_ID, timezone=zone.key, units_fingerprint=tree_fingerprint(tree, zone),
        built_at=now))
    log.info("statistics totals rebuilt (timezone %s, %d units)", zone.key, len(tree))


async def _insert(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await conn.execute(table.insert(), rows[start:start + BATCH])


async def _rows(conn: AsyncConnection, query: Any) -> Any:
    result = await conn.stream(query.execution_options(yield_per=BATCH))
    async for row in result:
        yield row


def _spread(counts: Mapping[tuple[Any, ...], int], ancestors: Mapping[int, list[int]],
            names: tuple[str, ...], amount: str) -> list[dict[str, Any]]:
    """Per-unit counts keyed ``(unit_id, *key)`` -> rows per scope (each unit above, too)."""
    per_scope: Counter[tuple[Any, ...]] = Counter()
    for (unit_id, *key), n in counts.items():
        for scope in ancestors.get(unit_id, ()):
            per_scope[(scope, *key)] += n
    return [{"scope_id": scope, **dict(zip(names, key, strict=True)), amount: n}
            for (scope, *key), n in per_scope.items()]


class ChannelCounts:
    """Deliveries, failures and tips per (unit, local day, channel), gathered while the other
    totals are rebuilt (each source row is read once), then spread over the scopes."""

    NAMES = ("deliveries", "failed", "tips")

    def __init__(self) -> None:
        self.counts = {name: Counter[tuple[Any, ...]]() for name in self.NAMES}

    def rows(self, ancestors: Mapping[int, list[int]]) -> list[dict[str, Any]]:
        merged: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(
            lambda: dict.fromkeys(self.NAMES, 0))
        for name, counts in self.counts.items():
            for row in _spread(counts, ancestors, ("day", "channel"), "n"):
                merged[(row["scope_id"], row["day"], row["channel"])][name] += row["n"]
        return [{"scope_id": scope, "day": day, "channel": channel, **amounts}
                for (scope, day, channel), amounts in merged.items()]


async def _rebuild_tips(conn: AsyncConnection, ancestors: Mapping[int, list[int]],
                        zone: ZoneInfo, by_channel: ChannelCounts) -> None:
    by_category: Counter[tuple[Any, ...]] = Counter()
    by_state: Counter[tuple[Any, ...]] = Counter()
    async for row in _rows(conn, select(tips.c.unit_id, tips.c.created_at, tips.c.category,
                                        tips.c.assessment, tips.c.state, tips.c.channel)):
        day = stats_rollup.local_day(row.created_at, zone)
        by_channel.counts["tips"][(row.unit_id, day, row.channel)] += 1
        by_category[(row.unit_id, day, row.category)] += 1
        by_state[(row.unit_id, day, row.assessment, row.state)] += 1
    await _insert(conn, stats_tip_category_days, _spread(
        by_category, ancestors, ("day", "category"), "tips"))
    await _insert(conn, stats_tip_state_days, _spread(
        by_state, ancestors, ("day", "assessment", "state"), "tips"))


async def _rebuild_outcomes(conn: AsyncConnection, ancestors: Mapping[int, list[int]],
                            zone: ZoneInfo) -> None:
    counts: Counter[tuple[Any, ...]] = Counter()
    async for row in _rows(conn, select(outcomes.c.unit_id, outcomes.c.recorded_at,
                                        outcomes.c.kind, outcomes.c.quantity)):
        counts[(row.unit_id, stats_rollup.local_day(row.recorded_at, zone), row.kind)] += \
            row.quantity
    await _insert(conn, stats_outcome_days, _spread(counts, ancestors, ("day", "kind"),
                                                    "quantity"))


async def _rebuild_deliveries(conn: AsyncConnection, ancestors: Mapping[int, list[int]],
                              zone: ZoneInfo, by_channel: ChannelCounts) -> None:
    linked = {r.id: r for r in await conn.execute(
        select(groups.c.id, groups.c.unit_id, groups.c.address, groups.c.status,
               groups.c.registered_at)
        .where(groups.c.unit_id.is_not(None)))}
    first_sent = select(deliveries.c.group_id, deliveries.c.bulletin_id,
                        func.min(deliveries.c.sent_at).label("at")) \
        .where(deliveries.c.status == stats_rollup.SENT) \
        .group_by(deliveries.c.group_id, deliveries.c.bulletin_id)
    pairs: Counter[tuple[Any, ...]] = Counter()
    failed: Counter[tuple[Any, ...]] = Counter()
    weeks: Counter[tuple[int, date]] = Counter()
    async for row in _rows(conn, first_sent):
        day = stats_rollup.local_day(stats_rollup.utc(row.at), zone)
        weeks[(row.group_id, stats_rollup.week_of(day))] += 1
        group = linked.get(row.group_id)
        if group is not None:
            pairs[(group.unit_id, day, row.bulletin_id)] += 1
            by_channel.counts["deliveries"][(group.unit_id, day, group.address.channel)] += 1
    async for row in _rows(conn, select(deliveries.c.group_id, deliveries.c.bulletin_id,
                                        deliveries.c.updated_at)
                           .where(deliveries.c.status == stats_rollup.FAILED)):
        group = linked.get(row.group_id)
        if group is not None:
            day = stats_rollup.local_day(row.updated_at, zone)
            failed[(group.unit_id, day, row.bulletin_id)] += 1
            by_channel.counts["failed"][(group.unit_id, day, group.address.channel)] += 1
    await _insert(conn, stats_delivery_days, _delivery_rows(pairs, failed, ancestors))
    await _insert(conn, stats_group_weeks, [{"group_id": group, "week": week, "bulletins": n}
                                            for (group, week), n in weeks.items()])
    histogram: Counter[tuple[Any, ...]] = Counter()
    for (group_id, week), bulletins in weeks.items():
        group = linked.get(group_id)
        if group is not None and stats_rollup.judged_in(week, group.status,
                                                        group.registered_at, zone):
            histogram[(group.unit_id, week, bulletins)] += 1
    await _insert(conn, stats_week_groups, _spread(histogram, ancestors, ("week", "bulletins"),
                                                   "groups"))


def _delivery_rows(pairs: Counter[tuple[Any, ...]], failed: Counter[tuple[Any, ...]],
                   ancestors: Mapping[int, list[int]]) -> list[dict[str, Any]]:
    merged: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(lambda: {"pairs": 0, "failed": 0})
    for rows, name in ((_spread(pairs, ancestors, ("day", "bulletin_id"), "n"), "pairs"),
                       (_spread(failed, ancestors, ("day", "bulletin_id"), "n"), "failed")):
        for row in rows:
            merged[(row["scope_id"], row["day"], row["bulletin_id"])][name] += row["n"]
    return [{"scope_id": scope, "day": day, "bulletin_id": bulletin, **amounts}
            for (scope, day, bulletin), amounts in merged.items()]
