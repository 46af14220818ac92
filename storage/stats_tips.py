"""Tips in the statistics (SPEC §6, §10, §15): received per category and per current
assessment and state, from the running totals (``storage/stats_rollup.py``), and the distinct
cases among them, from the merged tips: three parts of one statement (``storage/stats_parts.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ScalarSelect, Select, Table, distinct, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.rollup_tables import stats_tip_category_days, stats_tip_state_days, unit_ancestors
from storage.statistics import scope_id_of
from storage.stats_parts import PartRow, Value, part_select, rows_by_part
from storage.stats_rollup import zone_of
from storage.tips_tables import tips


@dataclass(frozen=True)
class TipCounts:
    """Tips per category, and per (current assessment, current state)."""

    by_category: dict[str, int]
    by_assessment_state: dict[tuple[str, str], int]
    # Distinct cases among those tips (SPEC §15): merged tips are one, a tip on its own is one.
    cases: int = 0


def tip_parts(scope_code: Value, first_day: Value, last_day: Value, bounds: tuple[Value, Value], *,
              own_only: bool = False) -> list[Select[Any]]:
    """Tips received on the local days ``first_day``..``last_day`` (``bounds``: their UTC
    start and end, ``local_bounds``), per category, per current assessment and state, and the
    merged tips with their distinct cases: three parts. Values or bound parameters."""
    scope_id = scope_id_of(scope_code, own_only)

    def totals(part: str, table: Table, *keys: str) -> Select[Any]:
        total = func.sum(table.c.tips)
        return (part_select(part, [table.c[k] for k in keys], [total])
                .where(table.c.scope_id == scope_id, table.c.day >= first_day,
                       table.c.day <= last_day)
                .group_by(*(table.c[k] for k in keys)).having(total > 0))

    return [totals(BY_CATEGORY, stats_tip_category_days, "category"),
            totals(BY_STATE, stats_tip_state_days, "assessment", "state"),
            _merged_tips(scope_id, *bounds, MERGED)]


def local_bounds(conn: AsyncConnection, first_day: date, last_day: date) -> tuple[datetime,
                                                                                   datetime]:
    """The UTC start and end of the local days ``first_day``..``last_day`` (the database's
    timezone, the one the running totals count days in)."""
    zone = zone_of(conn)
    start = datetime.combine(first_day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def read_tip_counts(rows: Mapping[str, Sequence[PartRow]]) -> TipCounts:
    by_category = {row.key: row.first for row in rows.get(BY_CATEGORY, ())}
    by_assessment_state = {(row.key, row.key2): row.first for row in rows.get(BY_STATE, ())}
    merged = rows.get(MERGED)
    merged_tips, merged_cases = (merged[0].first, merged[0].second) if merged else (0, 0)
    received = sum(by_assessment_state.values())
    # A tip merged with none is a case of its own (see case_count).
    cases = received - merged_tips + merged_cases if received else 0
    return TipCounts(by_category=by_category, by_assessment_state=by_assessment_state,
                     cases=cases)


async def tip_counts(conn: AsyncConnection, scope_code: str, first_day: date,
                     last_day: date, *,
        own_only: bool = False) -> TipCounts:
    """Tips received on the local days ``first_day``..``last_day``, counted per category, and
    per current assessment and current state, and the distinct cases among them (one
    statement; ``/stats`` reads them with its other figures, ``storage/stats_period.py``)."""
    return read_tip_counts(rows_by_part(await conn.execute(union_all(*tip_parts(
        scope_code, first_day, last_day, local_bounds(conn, first_day, last_day),
        own_only=own_only)))))


BY_CATEGORY, BY_STATE, MERGED = "tips_by_category", "tips_by_state", "merged_tips"


def _merged_tips(scope_id: ScalarSelect[int], start: Value, end: Value,
                 part: str) -> Select[Any]:
    """(``part``, merged tips, distinct cases among them) filed from ``start`` to ``end``
    (UTC) in the scope."""
    in_scope = select(unit_ancestors.c.unit_id).where(unit_ancestors.c.ancestor_id == scope_id)
    return (part_select(part, [], [func.count(), func.count(distinct(tips.c.case_id))])
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
    merged = rows_by_part(await conn.execute(
        _merged_tips(scope_id, *local_bounds(conn, first_day, last_day), MERGED)))[MERGED]
    return received - merged[0].first + merged[0].second
