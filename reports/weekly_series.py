"""The week-by-week figures behind the ``/stats … chart`` image (SPEC §6).

For a unit's subtree and a :class:`~reports.periods.Period`, one :class:`WeekPoint` per ISO week
the period touches (weeks cut in the configured timezone, Monday 00:00 local):

- tips received that week, split by current assessment. A partial first or last week counts only
  the days inside the period, so the tips of all weeks add up to the ``/stats`` text's total.
- bulletins: the groups held to ``bulletins.weekly_target`` that week (active, registered before
  the week began, as in ``weeks_below_target``), the bulletins they received over the *whole*
  week, and how many of them met the target. The chart plots the average bulletins per group
  against the target line: the target is "per group per week", so an officer compares one bar
  with one line; the "groups on target / groups" written above a bar says whether the average
  hides a group left short. A whole week, not its part inside the period: a week cut to three
  days would look short of a target it may well meet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from types import MappingProxyType

from core.config_model import Config
from org.units import UnitTree
from reports.periods import Period, iso_week_label, make_period
from reports.stats import ASSESSMENTS, UnknownUnit
from storage import weekly_series as series_store
from storage.db import Database
from storage.statistics import WeekBounds
from storage.weekly_series import DaySpan


@dataclass(frozen=True)
class WeekPoint:
    label: str  # YYYY-Www
    monday: date
    tips: Mapping[str, int]  # every assessment of ASSESSMENTS, in that order
    groups: int
    deliveries: int
    groups_on_target: int

    @property
    def tips_received(self) -> int:
        return sum(self.tips.values())

    @property
    def bulletins_per_group(self) -> float:
        return self.deliveries / self.groups if self.groups else 0.0


@dataclass(frozen=True)
class WeeklySeries:
    unit_code: str
    unit_name: str
    period: Period
    weekly_target: int
    weeks: tuple[WeekPoint, ...]

    @property
    def is_empty(self) -> bool:
        return not any(w.tips_received or w.deliveries for w in self.weeks)


def _mondays(period: Period) -> list[date]:
    monday = period.first_day - timedelta(days=period.first_day.weekday())
    mondays = []
    while monday <= period.last_day:
        mondays.append(monday)
        monday += timedelta(weeks=1)
    return mondays


def _spans(period: Period, tz: tzinfo,
           now: datetime | None) -> tuple[list[DaySpan], list[WeekBounds]]:
    """(tip spans cut to the period's days, whole weeks for the bulletins); a week that has not
    begun by ``now`` is left out of the second, so no group is judged for it ("0/2" for next
    week would read as a failure that has not happened)."""
    tip_spans, whole_weeks = [], []
    for monday in _mondays(period):
        label = iso_week_label(monday)
        week = make_period(monday, monday + timedelta(days=6), label, tz)
        if now is None or week.start_utc <= now:
            whole_weeks.append(WeekBounds(label, monday, week.start_utc, week.end_utc))
        tip_spans.append(DaySpan(label, max(monday, period.first_day),
                                 min(monday + timedelta(days=6), period.last_day)))
    return tip_spans, whole_weeks


async def weekly_series(db: Database, tree: UnitTree, unit_code: str, period: Period, *,
                        weekly_target: int, tz: tzinfo,
                        now: datetime | None = None) -> WeeklySeries:
    """The weekly figures of ``unit_code``'s subtree over ``period``, weeks cut in ``tz``.

    Raise :class:`~reports.stats.UnknownUnit` for a code that names no unit.
    """
    unit = tree.find(unit_code)
    if unit is None:
        raise UnknownUnit(unit_code)
    tip_spans, whole_weeks = _spans(period, tz, now)
    async with db.reading() as conn:
        tip_rows = await series_store.weekly_tip_counts(conn, unit.code, tip_spans)
        bulletin_rows = await series_store.weekly_group_bulletins(conn, unit.code, whole_weeks,
                                                                  weekly_target)
    return WeeklySeries(unit.code, unit.name, period, weekly_target,
                        _points(_mondays(period), tip_rows, bulletin_rows))


async def weekly_series_for_config(db: Database, tree: UnitTree, config: Config,
                                   unit_code: str, period: Period,
                                   now: datetime | None = None) -> WeeklySeries:
    return await weekly_series(db, tree, unit_code, period,
                               weekly_target=config.bulletins.weekly_target, tz=config.timezone,
                               now=now)


def _points(mondays: Sequence[date], tip_rows: Sequence[series_store.WeeklyTipCount],
            bulletin_rows: Sequence[series_store.WeeklyGroupBulletins]) -> tuple[WeekPoint, ...]:
    tips_by_week: dict[str, dict[str, int]] = {}
    for row in tip_rows:
        counts = tips_by_week.setdefault(row.label, dict.fromkeys(ASSESSMENTS, 0))
        counts[row.assessment] = counts.get(row.assessment, 0) + row.count
    bulletins_by_week = {row.label: row for row in bulletin_rows}
    points = []
    for monday in mondays:
        label = iso_week_label(monday)
        bulletins = bulletins_by_week.get(label)
        points.append(WeekPoint(
            label=label, monday=monday,
            tips=MappingProxyType(tips_by_week.get(label, dict.fromkeys(ASSESSMENTS, 0))),
            groups=bulletins.groups if bulletins else 0,
            deliveries=bulletins.deliveries if bulletins else 0,
            groups_on_target=bulletins.groups_on_target if bulletins else 0))
    return tuple(points)
