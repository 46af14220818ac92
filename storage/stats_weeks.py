"""The weekly target in the statistics (SPEC §6, §10): the weeks in which some group of the scope
got fewer bulletins than the target, and the groups held to it each week.

A group is judged in a week when it is active now and was registered before the week began (a
group that joins mid-week is not held to a whole week's target); a judged group with no delivery
at all that week falls short too. How many judged groups met the target comes from the running
weekly histogram (``stats_week_groups``); how many there were, from the groups: those
registered before the first week are counted by the groups' totals in the same pass over the
scope's groups (``storage.statistics.group_part``), those registered since (few) are read here
with the first week each is judged in. The comparison is made in Python, over a few rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    CTE,
    Date,
    Select,
    String,
    Subquery,
    and_,
    case,
    column,
    func,
    null,
    select,
    union_all,
    values,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.groups import ACTIVE
from storage.rollup_tables import stats_week_groups
from storage.schema import UTCDateTime, groups
from storage.statistics import (
    GROUPS,
    WeekBounds,
    group_part,
    read_judged_groups,
    scope_id_of,
    subtree,
)
from storage.stats_parts import PartRow, Value, part_select, rows_by_part

JOINED, ON_TARGET = "joined_in_week", "on_target_in_week"


def report_weeks(weeks: Sequence[WeekBounds], name: str) -> CTE:
    """The weeks as a table of ``VALUES`` (label, monday, starts)."""
    return values(
        column("label", String), column("monday", Date()), column("starts", UTCDateTime()),
        name=name,
    ).data([(w.label, w.first_day, w.start) for w in weeks]).cte(name)


def first_start(weeks: Sequence[WeekBounds]) -> datetime:
    return min(w.start for w in weeks)


class WeekValues(NamedTuple):
    """A judged week as the statement sees it: Python values, or bound parameters when the
    statement is built once for many calls (``storage/stats_period.py``)."""

    label: Value
    monday: Value
    start: Value


def week_values(weeks: Sequence[WeekBounds]) -> list[WeekValues]:
    """The weeks in order, as values."""
    return [WeekValues(w.label, w.first_day, w.start) for w in sorted(weeks, key=lambda w: w.start)]


def _joined_since(scope_code: Value, weeks: Sequence[WeekValues], own_only: bool) -> Subquery:
    """The scope's active groups registered after the first week began (few)."""
    return (select(groups.c.id, groups.c.registered_at)
            .where(groups.c.unit_id.in_(subtree(scope_code, own_only)),
                   groups.c.status == ACTIVE, groups.c.registered_at > weeks[0].start)
            .subquery("joined_since"))


def short_weeks_parts(scope_code: Value, weeks: Sequence[WeekValues], weekly_target: Value, *,
                      own_only: bool = False) -> list[Select[Any]]:
    """Two parts: per week, the groups registered since the first week began and first judged
    in it (a group judged in a week is judged in every later one); and per week, the judged
    groups that met ``weekly_target`` (the running weekly histogram). ``weeks`` in order.

    The weeks are values in the statement, not a table of ``VALUES``: SQLAlchemy cannot cache
    a statement holding one, and compiled the whole statement anew on every call."""
    joined = _joined_since(scope_code, weeks, own_only)
    first_judged = case(*((joined.c.registered_at <= w.start, w.label) for w in weeks),
                        else_=null()).label("week")
    per_group = select(joined.c.id, first_judged).subquery("first_judged")
    histogram = stats_week_groups
    # The week's label for its Monday (a date as text differs between the databases).
    week_label = case(*((histogram.c.week == w.monday, w.label) for w in weeks))
    return [
        part_select(JOINED, [per_group.c.week], [func.count(per_group.c.id)])
        .where(per_group.c.week.is_not(None)).group_by(per_group.c.week),
        part_select(ON_TARGET, [week_label], [func.sum(histogram.c.groups)])
        .where(histogram.c.scope_id == scope_id_of(scope_code, own_only),
               histogram.c.week.in_([w.monday for w in weeks]),
               histogram.c.bulletins >= weekly_target)
        .group_by(histogram.c.week),
    ]


def read_short_weeks(weeks: Sequence[WeekBounds], judged_before: int,
                     rows: Mapping[str, Sequence[PartRow]]) -> list[str]:
    """The labels of the weeks in which fewer groups met the target than were judged, from the
    groups registered by the first week's start and the two parts of ``short_weeks_parts``."""
    joined = Counter({row.key: row.first for row in rows.get(JOINED, ())})
    on_target = {row.key: row.first for row in rows.get(ON_TARGET, ())}
    short, judged = [], judged_before
    for week in sorted(weeks, key=lambda w: w.start):
        judged += joined[week.label]
        if judged > on_target.get(week.label, 0):
            short.append(week.label)
    return sorted(short)


async def weeks_below_target(conn: AsyncConnection, scope_code: str,
                             weeks: Sequence[WeekBounds], weekly_target: int, *,
                             own_only: bool = False) -> list[str]:
    """Labels of the ``weeks`` in which some group of the scope got fewer than
    ``weekly_target`` distinct bulletins (``/stats`` reads it with the other figures, in
    ``storage/stats_period.py``; this is that part alone, with the groups' totals)."""
    if not weeks or weekly_target <= 0:
        return []
    rows = rows_by_part(await conn.execute(union_all(
        group_part(scope_code, max(w.end for w in weeks), conn.dialect.name,
                   own_only=own_only, judged_from=first_start(weeks)),
        *short_weeks_parts(scope_code, week_values(weeks), weekly_target, own_only=own_only))))
    return read_short_weeks(weeks, read_judged_groups(rows[GROUPS]), rows)


def judged_groups_per_week(week_table: CTE, weeks: Sequence[WeekBounds], scope_code: str,
                           own_only: bool) -> Subquery:
    """(label, monday, groups): the groups of the scope held to the target in each week (the
    weekly chart, ``storage/weekly_series.py``)."""
    # Judged groups: those registered before the first week, counted once, plus those
    # registered since then and before the week (few: no week is joined to every group).
    in_scope = and_(groups.c.unit_id.in_(subtree(scope_code, own_only)),
                    groups.c.status == ACTIVE, groups.c.registered_at.is_not(None))
    judged_before = (select(func.count(groups.c.id))
                     .where(in_scope, groups.c.registered_at <= first_start(weeks))
                     .scalar_subquery())
    return (
        select(week_table.c.label, week_table.c.monday,
               (judged_before + func.count(groups.c.id)).label("groups"))
        .select_from(week_table.outerjoin(groups, and_(
            in_scope, groups.c.registered_at > first_start(weeks),
            groups.c.registered_at <= week_table.c.starts)))
        .group_by(week_table.c.label, week_table.c.monday)
        .subquery()
    )
