"""The figures of a report unit's table by unit, from the same ``reports.stats`` API, per unit.

Rows are the scope unit's direct children, each with its whole subtree, after a row for what is
linked to the scope unit itself (left out when it has nothing), then the total. Why the direct
children and not every unit of the subtree: a commune or district report sent up lists the units
just below the sender (hamlets roll up into their commune), and a subtree listing would put a
parent and its children on separate rows that count the same groups twice, so no column could be
summed and a province report would run to hundreds of rows.

The total is the scope's own ``unit_statistics`` (not a sum of rows): a bulletin delivered in two
communes is one bulletin for the district, so the ``bulletins.sent`` column may add up to more
than its total; every other count adds up. The unit's own row is the same API asked with
``own_only`` (the running totals keep an "own" scope for each unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.config_model import Config
from org.units import UnitTree
from reports.periods import Period
from reports.stats import UnitStatistics, UnknownUnit, unit_statistics_for_config
from storage.db import Database


@dataclass(frozen=True)
class BreakdownRow:
    stats: UnitStatistics
    own: bool  # only what is linked to the scope unit itself, not to the units below it


@dataclass(frozen=True)
class UnitBreakdown:
    total: UnitStatistics
    rows: tuple[BreakdownRow, ...]
    parent_name: str | None  # the unit above the scope, named in the Báo cáo's header


async def unit_breakdown(db: Database, tree: UnitTree, config: Config, unit_code: str,
                         period: Period, *, now: datetime) -> UnitBreakdown:
    """The scope's total and one row per direct child (plus the unit's own row when it has
    anything). Raise :class:`~reports.stats.UnknownUnit` for a code that names no unit."""
    unit = tree.find(unit_code)
    if unit is None:
        raise UnknownUnit(unit_code)
    total = await unit_statistics_for_config(db, tree, config, unit.code, period, now=now)
    parent = tree.find(unit.parent_code) if unit.parent_code else None
    parent_name = parent.name if parent is not None else None
    children = tree.children(unit.code)
    if not children:
        return UnitBreakdown(total, (BreakdownRow(total, own=False),), parent_name)
    own = await unit_statistics_for_config(db, tree, config, unit.code, period, now=now,
                                           own_only=True)
    rows = [BreakdownRow(own, own=True)] if _has_anything(own) else []
    for child in children:
        stats = await unit_statistics_for_config(db, tree, config, child.code, period, now=now)
        rows.append(BreakdownRow(stats, own=False))
    return UnitBreakdown(total, tuple(rows), parent_name)


def _has_anything(stats: UnitStatistics) -> bool:
    return bool(stats.groups.count or stats.bulletins.deliveries or stats.bulletins.failed
                or stats.tips.received or any(stats.outcomes.values())
                or any(channel.groups for channel in stats.by_channel.values()))
