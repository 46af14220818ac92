"""The weekly target in the statistics (SPEC §6, §10): the weeks in which some group of the scope
got fewer bulletins than the target, and the groups held to it each week.

A group is judged in a week when it is active now and was registered before the week began (a
group that joins mid-week is not held to a whole week's target); a judged group with no delivery
at all that week falls short too. How many judged groups met the target comes from the running
weekly histogram (``stats_week_groups``); how many there were, from the groups themselves: in
``/stats`` from the same rows the groups' totals count (``storage.statistics.scope_groups``),
so the scope's groups are read once per report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    CTE,
    Date,
    FromClause,
    Select,
    String,
    Subquery,
    and_,
    column,
    func,
    select,
    values,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.groups import ACTIVE
from storage.rollup_tables import stats_week_groups
from storage.schema import UTCDateTime
from storage.statistics import WeekBounds, scope_groups, scope_id_of
from storage.stats_parts import PartRow, part_select, rows_by_part

SHORT_WEEKS = "short_weeks"


def report_weeks(weeks: Sequence[WeekBounds], name: str) -> CTE:
    """The weeks as a table of ``VALUES`` (label, monday, starts)."""
    return values(
        column("label", String), column("monday", Date()), column("starts", UTCDateTime()),
        name=name,
    ).data([(w.label, w.first_day, w.start) for w in weeks]).cte(name)


def judged_groups_per_week(week_table: CTE, weeks: Sequence[WeekBounds],
                           scope: FromClause) -> Subquery:
    """(label, monday, groups): the groups of ``scope`` (rows with id, status and
    registered_at: the scope's groups) held to the target in each week."""
    # Judged groups: those registered before the first week, counted once, plus those
    # registered since then and before the week (few: no week is joined to every group).
    active = scope.c.status == ACTIVE
    first_start = min(w.start for w in weeks)
    judged_before = (select(func.count(scope.c.id))
                     .where(active, scope.c.registered_at <= first_start).scalar_subquery())
    return (
        select(week_table.c.label, week_table.c.monday,
               (judged_before + func.count(scope.c.id)).label("groups"))
        .select_from(week_table.outerjoin(scope, and_(
            active, scope.c.registered_at > first_start,
            scope.c.registered_at <= week_table.c.starts)))
        .group_by(week_table.c.label, week_table.c.monday)
        .subquery()
    )


def short_weeks_part(scope: FromClause, scope_code: str, weeks: Sequence[WeekBounds],
                     weekly_target: int, *, own_only: bool = False) -> Select[Any]:
    """One row per week of ``weeks`` in which a judged group of ``scope`` (the scope's groups
    counted at the last week's start or later) got fewer than ``weekly_target`` bulletins."""
    week_table = report_weeks(weeks, "report_weeks")
    judged_per_week = judged_groups_per_week(week_table, weeks, scope)
    # Judged groups that met the target: the running weekly histogram of the scope.
    histogram = stats_week_groups
    on_target_per_week = (
        select(histogram.c.week, func.sum(histogram.c.groups).label("groups"))
        .where(histogram.c.scope_id == scope_id_of(scope_code, own_only),
               histogram.c.week.in_([w.first_day for w in weeks]),
               histogram.c.bulletins >= weekly_target)
        .group_by(histogram.c.week)
        .subquery()
    )
    return (
        part_select(SHORT_WEEKS, [judged_per_week.c.label], [])
        .select_from(judged_per_week.outerjoin(
            on_target_per_week, on_target_per_week.c.week == judged_per_week.c.monday))
        .where(judged_per_week.c.groups > func.coalesce(on_target_per_week.c.groups, 0))
    )


def read_short_weeks(rows: Sequence[PartRow]) -> list[str]:
    return sorted(row.key for row in rows)


async def weeks_below_target(conn: AsyncConnection, scope_code: str,
                             weeks: Sequence[WeekBounds], weekly_target: int, *,
                             own_only: bool = False) -> list[str]:
    """Labels of the ``weeks`` in which some group of the scope got fewer than
    ``weekly_target`` distinct bulletins (``/stats`` reads it with the other figures, in
    ``storage/stats_period.py``; this is that part alone)."""
    if not weeks or weekly_target <= 0:
        return []
    scope = scope_groups(scope_code, max(w.end for w in weeks), conn.dialect.name,
                         own_only=own_only)
    rows = rows_by_part(await conn.execute(
        short_weeks_part(scope, scope_code, weeks, weekly_target, own_only=own_only)))
    return read_short_weeks(rows[SHORT_WEEKS])
