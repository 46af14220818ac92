"""Every figure of a period's statistics (``/stats``, ``report``) in one statement.

The parts are those of ``storage/statistics.py`` (groups, deliveries, outcomes),
``storage/stats_weeks.py`` (the weekly target), ``storage/stats_tips.py`` (tips and cases) and
``storage/stats_channels.py`` (by channel), each a ``SELECT`` of the common row shape of
``storage/stats_parts.py``, sent together as one ``UNION ALL``: one round trip instead of six
(on PostgreSQL each cost about a millisecond, more under load), and the scope's groups read
once for both the groups' totals and the weekly target (``group_part``). The statement is
built once per shape (dialect, own scope or subtree, number of weeks) with bound parameters,
so that neither building it nor SQLAlchemy's compiling it is paid again on each call.
Each part can still be read on its own (``bench/stats_queries.py`` times them apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import CompoundSelect, Date, Integer, String, bindparam, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import statistics, stats_channels, stats_tips, stats_weeks
from storage.schema import UTCDateTime
from storage.statistics import DeliveryTotals, GroupTotals, WeekBounds
from storage.stats_channels import ChannelTotals
from storage.stats_parts import rows_by_part
from storage.stats_tips import TipCounts


@dataclass(frozen=True)
class PeriodFigures:
    groups: GroupTotals
    deliveries: DeliveryTotals
    weeks_below_target: list[str]
    tips: TipCounts
    outcomes: dict[str, int]
    channels: dict[str, ChannelTotals]


async def period_figures(conn: AsyncConnection, scope_code: str, first_day: date,
                         last_day: date, end: datetime, weeks: Sequence[WeekBounds],
                         weekly_target: int, *, own_only: bool = False) -> PeriodFigures:
    """The figures of ``scope_code``'s subtree (or, ``own_only``, of the unit itself) over the
    local days ``first_day``..``last_day``: groups and members as of ``end`` (the period's end,
    UTC), the ``weeks`` (each starting before ``end``) that fell short of ``weekly_target``."""
    judged = stats_weeks.week_values(weeks) if weeks and weekly_target > 0 else []
    statement = _statement(conn.dialect.name, own_only, len(judged))
    start_utc, end_utc = stats_tips.local_bounds(conn, first_day, last_day)
    values = {"scope_key": scope_code.upper(), "first_day": first_day, "last_day": last_day,
              "end": end, "start_utc": start_utc, "end_utc": end_utc,
              "weekly_target": weekly_target}
    for n, week in enumerate(judged):
        values.update({f"week_label_{n}": week.label, f"week_monday_{n}": week.monday,
                       f"week_start_{n}": week.start})
    rows = rows_by_part(await conn.execute(statement, values))
    group_rows = rows[statistics.GROUPS]
    return PeriodFigures(
        groups=statistics.read_group_totals(group_rows),
        deliveries=statistics.read_delivery_totals(rows[statistics.DELIVERIES]),
        weeks_below_target=stats_weeks.read_short_weeks(
            weeks, statistics.read_judged_groups(group_rows), rows) if judged else [],
        tips=stats_tips.read_tip_counts(rows),
        outcomes=statistics.read_outcome_totals(rows[statistics.OUTCOMES]),
        channels=stats_channels.read_channel_totals(rows[stats_channels.CHANNELS]),
    )


@lru_cache(maxsize=128)
def _statement(dialect: str, own_only: bool, week_count: int) -> CompoundSelect:
    """The statement for a shape of question, with bound parameters for everything else
    (``period_figures`` names them), built once: building it took a few milliseconds of CPU
    per call, a tenth of a province's year."""
    scope = bindparam("scope_key", type_=String())
    first, last = bindparam("first_day", type_=Date()), bindparam("last_day", type_=Date())
    end = bindparam("end", type_=UTCDateTime())
    bounds = (bindparam("start_utc", type_=UTCDateTime()),
              bindparam("end_utc", type_=UTCDateTime()))
    weeks = [stats_weeks.WeekValues(bindparam(f"week_label_{n}", type_=String()),
                                    bindparam(f"week_monday_{n}", type_=Date()),
                                    bindparam(f"week_start_{n}", type_=UTCDateTime()))
             for n in range(week_count)]
    own = {"own_only": own_only}
    return union_all(
        statistics.group_part(scope, end, dialect, **own,
                              judged_from=weeks[0].start if weeks else None),
        statistics.delivery_part(scope, first, last, **own),
        *stats_tips.tip_parts(scope, first, last, bounds, **own),
        statistics.outcome_part(scope, first, last, **own),
        stats_channels.channel_part(scope, first, last, **own),
        *(stats_weeks.short_weeks_parts(
            scope, weeks, bindparam("weekly_target", type_=Integer()), **own) if weeks else ()),
    )
