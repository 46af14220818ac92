"""The SQL behind the weekly chart of ``/stats … chart`` (SPEC §6): per ISO week of a scope,
tips by assessment and bulletins sent to groups.

The caller passes the weeks already cut in the configured timezone and turned into UTC bounds
(a table of ``VALUES``), so week boundaries are the same on SQLite and PostgreSQL and neither
database needs to know the timezone. Everything is counted with ``GROUP BY``; scope follows the
rules of ``storage.statistics``: tips by their own unit, deliveries by their group's unit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CTE, Select, String, and_, case, column, distinct, func, select, values
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.deliveries import SENT
from storage.groups import ACTIVE
from storage.schema import UTCDateTime, deliveries, groups, units
from storage.tips_tables import tips


@dataclass(frozen=True)
class WeekSpan:
    label: str  # YYYY-Www
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive


@dataclass(frozen=True)
class WeeklyTipCount:
    label: str
    assessment: str
    count: int


@dataclass(frozen=True)
class WeeklyGroupBulletins:
    """One week's bulletins as the groups of the scope received them."""

    label: str
    groups: int  # active groups registered before the week began: the ones held to the target
    deliveries: int  # sent deliveries to those groups (one per bulletin and group)
    groups_on_target: int  # of those groups, how many got at least the target


def _week_table(weeks: Sequence[WeekSpan], name: str) -> CTE:
    return values(
        column("label", String), column("starts", UTCDateTime()), column("ends", UTCDateTime()),
        name=name,
    ).data([(w.label, w.start, w.end) for w in weeks]).cte(name)


def _scope_unit_ids(unit_codes: Collection[str]) -> Select[tuple[int]]:
    return select(units.c.id).where(units.c.code_key.in_([c.upper() for c in unit_codes]))


async def weekly_tip_counts(conn: AsyncConnection, unit_codes: Collection[str],
                            weeks: Sequence[WeekSpan]) -> list[WeeklyTipCount]:
    """Tips received (``created_at``) in each week's bounds, per current assessment."""
    if not weeks:
        return []
    week_table = _week_table(weeks, "chart_tip_weeks")
    rows = await conn.execute(
        select(week_table.c.label, tips.c.assessment, func.count(tips.c.id))
        .select_from(week_table.join(tips, and_(
            tips.c.created_at >= week_table.c.starts, tips.c.created_at < week_table.c.ends)))
        .where(tips.c.unit_id.in_(_scope_unit_ids(unit_codes)))
        .group_by(week_table.c.label, tips.c.assessment)
    )
    return [WeeklyTipCount(r[0], r[1], int(r[2])) for r in rows]


async def weekly_group_bulletins(conn: AsyncConnection, unit_codes: Collection[str],
                                 weeks: Sequence[WeekSpan],
                                 weekly_target: int) -> list[WeeklyGroupBulletins]:
    """Per week: the groups judged against the weekly target (as ``weeks_below_target`` of
    ``storage.statistics`` judges them), the bulletins they received, and how many met it.

    Weeks in which no group was judged are left out (the caller fills in zeros).
    """
    if not weeks:
        return []
    week_table = _week_table(weeks, "chart_bulletin_weeks")
    judged = and_(groups.c.unit_id.in_(_scope_unit_ids(unit_codes)), groups.c.status == ACTIVE,
                  groups.c.registered_at.is_not(None),
                  groups.c.registered_at <= week_table.c.starts)
    judged_per_week = (
        select(week_table.c.label, func.count(groups.c.id).label("groups"))
        .select_from(week_table.join(groups, judged))
        .group_by(week_table.c.label)
        .subquery()
    )
    # Driven from the sent deliveries of each week (the (status, sent_at) index), as in
    # ``weeks_below_target``: pairing every week with every group first and then looking up
    # each pair's deliveries costs a lookup per pair, too many for a province over a year.
    per_group = (
        select(week_table.c.label, deliveries.c.group_id,
               # Distinct bulletins: a forced re-send (a second round) is not a second one.
               func.count(distinct(deliveries.c.bulletin_id)).label("received"))
        .select_from(
            week_table
            .join(deliveries, and_(deliveries.c.status == SENT,
                                   deliveries.c.sent_at >= week_table.c.starts,
                                   deliveries.c.sent_at < week_table.c.ends))
            .join(groups, and_(groups.c.id == deliveries.c.group_id, judged)))
        .group_by(week_table.c.label, deliveries.c.group_id)
        .subquery()
    )
    received_per_week = (
        select(per_group.c.label, func.sum(per_group.c.received).label("deliveries"),
               func.sum(case((per_group.c.received >= weekly_target, 1), else_=0))
               .label("on_target"))
        .group_by(per_group.c.label)
        .subquery()
    )
    rows = await conn.execute(
        select(judged_per_week.c.label, judged_per_week.c.groups,
               func.coalesce(received_per_week.c.deliveries, 0),
               func.coalesce(received_per_week.c.on_target, 0))
        .select_from(judged_per_week.outerjoin(
            received_per_week, received_per_week.c.label == judged_per_week.c.label))
    )
    # With no target (0) every judged group meets it, the ones that got nothing included.
    return [WeeklyGroupBulletins(r[0], int(r[1]), int(r[2]),
                                 int(r[1]) if weekly_target <= 0 else int(r[3])) for r in rows]
