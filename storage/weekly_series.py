"""The SQL behind the weekly chart of ``/stats … chart`` (SPEC §6): per ISO week of a scope,
tips by assessment and bulletins sent to groups.

Read from the same running totals as the ``/stats`` text (``storage/rollup_tables.py``), so the
chart and the text always agree and a province's year is drawn from a few thousand rows, not a
million deliveries. The caller passes the weeks already cut in the configured timezone: local
days for the tips, local Mondays and their UTC start for the bulletins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, String, and_, case, column, func, select, values
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.rollup_tables import stats_tip_state_days, stats_week_groups
from storage.statistics import WeekBounds, scope_id_of
from storage.stats_weeks import judged_groups_per_week, report_weeks


@dataclass(frozen=True)
class DaySpan:
    """The local days of one ISO week that count (a partial first or last week is cut)."""

    label: str  # YYYY-Www
    first_day: date
    last_day: date


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
    deliveries: int  # distinct bulletins delivered to those groups, added up over the groups
    groups_on_target: int  # of those groups, how many got at least the target


async def weekly_tip_counts(conn: AsyncConnection, scope_code: str,
                            spans: Sequence[DaySpan]) -> list[WeeklyTipCount]:
    """Tips received on each span's local days, per current assessment."""
    if not spans:
        return []
    span_table = values(
        column("label", String), column("first_day", Date()), column("last_day", Date()),
        name="chart_tip_weeks",
    ).data([(s.label, s.first_day, s.last_day) for s in spans]).cte("chart_tip_weeks")
    table = stats_tip_state_days
    total = func.sum(table.c.tips)
    rows = await conn.execute(
        select(span_table.c.label, table.c.assessment, total)
        .select_from(span_table.join(table, and_(table.c.day >= span_table.c.first_day,
                                                 table.c.day <= span_table.c.last_day)))
        .where(table.c.scope_id == scope_id_of(scope_code, own_only=False))
        .group_by(span_table.c.label, table.c.assessment)
        .having(total != 0)
    )
    return [WeeklyTipCount(r[0], r[1], int(r[2])) for r in rows]


async def weekly_group_bulletins(conn: AsyncConnection, scope_code: str,
                                 weeks: Sequence[WeekBounds],
                                 weekly_target: int) -> list[WeeklyGroupBulletins]:
    """Per week: the groups judged against the weekly target (as ``weeks_below_target`` of
    ``storage.statistics`` judges them), the bulletins they received, and how many met it."""
    if not weeks:
        return []
    week_table = report_weeks(weeks, "chart_bulletin_weeks")
    judged_per_week = judged_groups_per_week(week_table, weeks, scope_code, own_only=False)
    # The scope's weekly histogram: how many judged groups got exactly n distinct bulletins.
    histogram = stats_week_groups
    received_per_week = (
        select(histogram.c.week,
               func.sum(histogram.c.bulletins * histogram.c.groups).label("deliveries"),
               func.sum(case((histogram.c.bulletins >= weekly_target, histogram.c.groups),
                             else_=0)).label("on_target"))
        .where(histogram.c.scope_id == scope_id_of(scope_code, own_only=False),
               histogram.c.week.in_([w.first_day for w in weeks]))
        .group_by(histogram.c.week)
        .subquery()
    )
    rows = await conn.execute(
        select(judged_per_week.c.label, judged_per_week.c.groups,
               func.coalesce(received_per_week.c.deliveries, 0),
               func.coalesce(received_per_week.c.on_target, 0))
        .select_from(judged_per_week.outerjoin(
            received_per_week, received_per_week.c.week == judged_per_week.c.monday))
    )
    # With no target (0) every judged group meets it, the ones that got nothing included.
    return [WeeklyGroupBulletins(r[0], int(r[1]), int(r[2]),
                                 int(r[1]) if weekly_target <= 0 else int(r[3])) for r in rows]
