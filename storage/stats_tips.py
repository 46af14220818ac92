"""Tips in the statistics (SPEC §6, §10, §15): received per category and per current
assessment and state, from the running totals (``storage/stats_rollup.py``), and the distinct
cases among them, from the merged tips; one statement for all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    String,
    Table,
    distinct,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.rollup_tables import stats_tip_category_days, stats_tip_state_days, unit_ancestors
from storage.statistics import scope_id_of
from storage.stats_rollup import zone_of
from storage.tips_tables import tips


@dataclass(frozen=True)
class TipCounts:
    """Tips per category, and per (current assessment, current state)."""

    by_category: dict[str, int]
    by_assessment_state: dict[tuple[str, str], int]
    # Distinct cases among those tips (SPEC §15): merged tips are one, a tip on its own is one.
    cases: int = 0



async def tip_counts(conn: AsyncConnection, scope_code: str, first_day: date,
                     last_day: date, *,
        own_only: bool = False) -> TipCounts:
    """Tips received on the local days ``first_day``..``last_day``, counted per category, and
    per current assessment and current state, and the distinct cases among them.

    One statement (``UNION ALL`` of the three counts), not three: on PostgreSQL each statement
    costs a round trip and SQLAlchemy's work around it, about as much as counting a province's
    year in the running totals (``bench/stats_queries.py``)."""
    scope_id = scope_id_of(scope_code, own_only)

    def totals(part: str, table: Table, *keys: str) -> Select[Any]:
        total = func.sum(table.c.tips)
        padded = [*(table.c[k] for k in keys), *[null()] * (2 - len(keys))]
        return (select(literal(part, String).label("part"), *padded, total, literal(0))
                .where(table.c.scope_id == scope_id, table.c.day >= first_day,
                       table.c.day <= last_day)
                .group_by(*(table.c[k] for k in keys)).having(total > 0))

    rows = await conn.execute(union_all(
        totals(_BY_CATEGORY, stats_tip_category_days, "category"),
        totals(_BY_STATE, stats_tip_state_days, "assessment", "state"),
        _merged_tips(conn, scope_id, first_day, last_day,
                     literal(_MERGED, String), null(), null())))
    by_category: dict[str, int] = {}
    by_assessment_state: dict[tuple[str, str], int] = {}
    merged_tips = merged_cases = 0
    for part, first_key, second_key, count, other in rows:
        if part == _BY_CATEGORY:
            by_category[first_key] = int(count)
        elif part == _BY_STATE:
            by_assessment_state[(first_key, second_key)] = int(count)
        else:
            merged_tips, merged_cases = int(count), int(other)
    received = sum(by_assessment_state.values())
    # A tip merged with none is a case of its own (see case_count).
    cases = received - merged_tips + merged_cases if received else 0
    return TipCounts(by_category=by_category, by_assessment_state=by_assessment_state,
                     cases=cases)


_BY_CATEGORY, _BY_STATE, _MERGED = "category", "state", "merged"


def _merged_tips(conn: AsyncConnection, scope_id: ScalarSelect[int], first_day: date,
                 last_day: date, *leading: ColumnElement[Any]) -> Select[Any]:
    """(``leading``..., merged tips, distinct cases among them) of the local days in the
    scope."""
    zone = zone_of(conn)
    start = datetime.combine(first_day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    in_scope = select(unit_ancestors.c.unit_id).where(unit_ancestors.c.ancestor_id == scope_id)
    return (select(*leading, func.count(), func.count(distinct(tips.c.case_id)))
            .where(tips.c.case_id.is_not(None), tips.c.unit_id.in_(in_scope),
                   tips.c.created_at >= start, tips.c.created_at < end))


async def case_count(conn: AsyncConnection, scope_id: ScalarSelect[int], first_day: date,
                     last_day: date, *, received: int) -> int:
    """Distinct cases among the ``received`` tips of the local days ``first_day``..``last_day``
    in the scope (``tips.case_id``, or the tip itself when merged with none); ``tip_counts``
    counts them in its own statement, this is that part alone (``bench/stats.py`` times it).

    A tip merged with none is a case of its own, so only the merged tips are read: the cases
    are the tips received, less the merged ones, plus the distinct cases among those. Read
    from the tips, not the running totals: a merge changes it without any tip being received.
    (Of a province's 200,000 tips a year, a few percent are merged: with an index over the
    merged tips alone, ``(unit_id, created_at, case_id) WHERE case_id IS NOT NULL``, this reads
    only those; see NOTES-simspeed.md.)"""
    if not received:
        return 0
    merged, cases = (await conn.execute(
        _merged_tips(conn, scope_id, first_day, last_day))).one()
    return received - int(merged) + int(cases)
