"""Every figure of a period's statistics (``/stats``, ``report``) in one statement.

The parts are those of ``storage/statistics.py`` (groups, deliveries, outcomes),
``storage/stats_weeks.py`` (the weekly target), ``storage/stats_tips.py`` (tips and cases) and
``storage/stats_channels.py`` (by channel), each a ``SELECT`` of the common row shape of
``storage/stats_parts.py``, sent together as one ``UNION ALL``: one round trip instead of six
(on PostgreSQL each cost about a millisecond, more under load), and the scope's groups read
once for both the groups' totals and the weekly target (``group_part``).
Each part can still be read on its own (``bench/stats_queries.py`` times them apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import statistics, stats_channels, stats_tips, stats_weeks
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
    own = {"own_only": own_only}
    judged = bool(weeks) and weekly_target > 0
    parts = [
        statistics.group_part(scope_code, end, conn.dialect.name, **own,
                              judged_from=stats_weeks.first_start(weeks) if judged else None),
        statistics.delivery_part(scope_code, first_day, last_day, **own),
        *stats_tips.tip_parts(conn, scope_code, first_day, last_day, **own),
        statistics.outcome_part(scope_code, first_day, last_day, **own),
        stats_channels.channel_part(scope_code, first_day, last_day, **own),
        *(stats_weeks.short_weeks_parts(scope_code, weeks, weekly_target, **own)
          if judged else ()),
    ]
    rows = rows_by_part(await conn.execute(union_all(*parts)))
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
