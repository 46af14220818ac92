"""One statistics API for the chat (``/stats``) and the command line (``python -m bot report``).

``unit_statistics`` gathers, for a unit's subtree over a :class:`~reports.periods.Period`
(``start_utc`` inclusive, ``end_utc`` exclusive), every figure of SPEC §6 and §10:

- ``groups``: active groups linked to a unit of the scope and registered before the period's
  end; ``members`` is each one's last member count taken before the period's end (history table).
- ``bulletins``: ``deliveries`` the (bulletin, group) pairs of the scope first delivered in the
  period (a forced re-send is not a second delivery); ``sent`` the distinct bulletins among
  them; ``failed`` deliveries that failed in the period; ``weeks_below_target`` the ISO
  weeks touched by the period in which some active group of the scope (registered before that
  week began) got fewer than ``weekly_target`` bulletins. A week is judged over the whole ISO
  week (its label names that week, even where it runs past the period's edge); a week that has
  not ended at ``now`` is not judged yet.
- ``tips``: received in the period, split by current assessment, closed, and by category.
- ``outcomes``: quantities recorded in the period, by kind.
- ``by_channel`` (SPEC §13): per channel, its groups and their members (for ``sms``, the
  subscribers, one person each: the totals above count chat groups only, as they always have),
  its deliveries and failures, and the tips that came in on it. Every channel asked for (the
  configured ones) is present, with 0s; a channel found in the data is added after them. The
  parts add up to the totals, except the SMS subscribers and ``sent`` (a bulletin sent on two
  channels is one bulletin).

The figures come from running totals kept per scope unit and local day
(``storage/stats_rollup.py``), so a province's year costs about what a commune's month does.
Every configured category and outcome kind is present, with 0 when nothing was counted (SPEC §12);
keys found in the data but no longer configured are kept, so the parts still add up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from types import MappingProxyType

from core.address import TELEGRAM
from core.config_model import Config
from org.units import UnitTree
from reports.periods import Period, iso_week_label, make_period
from storage import statistics, stats_channels
from storage.db import Database
from storage.statistics import WeekBounds
from storage.stats_period import period_figures
from storage.stats_tips import TipCounts

SMS = "sms"  # storage.sms_subscribers.SMS_CHANNEL: its recipients are subscribers, not groups
ASSESSMENTS = ("valuable", "not_valuable", "false", "unassessed")
CLOSED_STATE = "closed"


class UnknownUnit(LookupError):
    """The unit code names no unit of the tree."""


@dataclass(frozen=True)
class GroupFigures:
    count: int
    members: int


@dataclass(frozen=True)
class BulletinFigures:
    sent: int
    deliveries: int
    failed: int
    weekly_target: int
    weeks_below_target: tuple[str, ...]


@dataclass(frozen=True)
class TipFigures:
    received: int
    valuable: int
    not_valuable: int
    false: int
    unassessed: int
    closed: int
    by_category: Mapping[str, int]  # configured order first, then any other key found
    cases: int = 0  # distinct cases (SPEC §15): merged tips count once, a tip alone is one


@dataclass(frozen=True)
class ChannelFigures:
    """What one channel carried (SPEC §13)."""

    groups: int  # for sms: subscribers
    members: int  # for sms: subscribers (one person each)
    deliveries: int
    failed: int
    tips: int


NO_CHANNELS: Mapping[str, ChannelFigures] = MappingProxyType({})


@dataclass(frozen=True)
class UnitStatistics:
    unit_code: str
    unit_name: str
    period: Period
    groups: GroupFigures
    bulletins: BulletinFigures
    tips: TipFigures
    outcomes: Mapping[str, int]  # configured order first, then any other kind found
    by_channel: Mapping[str, ChannelFigures] = field(default_factory=lambda: NO_CHANNELS)


async def unit_statistics(db: Database, tree: UnitTree, unit_code: str, period: Period, *,
                          weekly_target: int, category_keys: Sequence[str],
                          outcome_kinds: Sequence[str], now: datetime | None = None,
                          tz: tzinfo | None = None, own_only: bool = False,
                          channels: Sequence[str] = (TELEGRAM,)) -> UnitStatistics:
    """The figures of ``unit_code``'s subtree over ``period``.

    ``outcome_kinds`` are kind keys. ``now`` (from the clock) keeps weeks still in progress out
    of ``weeks_below_target``; ``tz`` is the timezone the period was made in (by default the
    fixed offset of the period's start, exact for Asia/Ho_Chi_Minh, which has no summer time).
    ``own_only`` counts only what is linked to the unit itself, not to the units below it.
    ``channels`` are the channels shown even with nothing to count (the configured ones).
    Raise :class:`UnknownUnit` for a code that names no unit.
    """
    unit = tree.find(unit_code)
    if unit is None:
        raise UnknownUnit(unit_code)
    weeks = _judged_weeks(period, tz or _offset_of(period), now)
    async with db.reading() as conn:
        found = await period_figures(conn, unit.code, period.first_day, period.last_day,
                                     period.end_utc, weeks, weekly_target, own_only=own_only)
    group_totals, delivery_totals = found.groups, found.deliveries
    return UnitStatistics(
        unit_code=unit.code,
        unit_name=unit.name,
        period=period,
        groups=GroupFigures(group_totals.count, group_totals.members),
        bulletins=BulletinFigures(
            sent=delivery_totals.bulletins_sent, deliveries=delivery_totals.deliveries_sent,
            failed=delivery_totals.deliveries_failed, weekly_target=weekly_target,
            weeks_below_target=tuple(found.weeks_below_target)),
        tips=_tip_figures(found.tips, category_keys),
        outcomes=_with_every_key(found.outcomes, outcome_kinds),
        by_channel=_channel_figures(channels, group_totals, found.channels),
    )


async def unit_statistics_for_config(db: Database, tree: UnitTree, config: Config,
                                     unit_code: str, period: Period, *, now: datetime,
                                     own_only: bool = False) -> UnitStatistics:
    """``unit_statistics`` with the target, categories and outcome kinds of ``config``."""
    return await unit_statistics(
        db, tree, unit_code, period, weekly_target=config.bulletins.weekly_target,
        category_keys=[c.key for c in config.tips.categories],
        outcome_kinds=[k.key for k in config.outcome_kinds], now=now, tz=config.timezone,
        own_only=own_only, channels=configured_channels(config))


def configured_channels(config: Config) -> tuple[str, ...]:
    """The channels a report always shows, in this order: Telegram, then those configured."""
    # The config tables are named after the channels they configure ([zalo_oa], [sms]).
    optional = (("zalo_oa", config.zalo_oa), (SMS, config.sms))
    return (TELEGRAM, *(name for name, settings in optional if settings is not None))


def _channel_figures(channels: Sequence[str], groups: statistics.GroupTotals,
                     carried: Mapping[str, stats_channels.ChannelTotals],
                     ) -> Mapping[str, ChannelFigures]:
    subscribers = groups.subscribers
    found = set(groups.by_channel) | set(carried) | ({SMS} if subscribers else set())
    names = [*channels, *sorted(found - set(channels))]
    figures = {}
    for name in names:
        count = groups.by_channel.get(name, statistics.GroupCount(0, 0))
        traffic = carried.get(name, stats_channels.ChannelTotals(0, 0, 0))
        people = subscribers if name == SMS else 0
        figures[name] = ChannelFigures(groups=count.count + people,
                                       members=count.members + people,
                                       deliveries=traffic.deliveries, failed=traffic.failed,
                                       tips=traffic.tips)
    return MappingProxyType(figures)


def _tip_figures(counts: TipCounts, category_keys: Sequence[str]) -> TipFigures:
    # At most assessments x states entries, already counted in SQL.
    by_assessment = dict.fromkeys(ASSESSMENTS, 0)
    closed = 0
    for (assessment, state), count in counts.by_assessment_state.items():
        by_assessment[assessment] = by_assessment.get(assessment, 0) + count
        closed += count if state == CLOSED_STATE else 0
    return TipFigures(
        received=sum(counts.by_category.values()),
        valuable=by_assessment["valuable"],
        not_valuable=by_assessment["not_valuable"],
        false=by_assessment["false"],
        unassessed=by_assessment["unassessed"],
        closed=closed,
        by_category=_with_every_key(counts.by_category, category_keys),
        cases=counts.cases,
    )


def _with_every_key(found: Mapping[str, int], keys: Sequence[str]) -> Mapping[str, int]:
    complete = {key: found.get(key, 0) for key in keys}
    complete.update({key: n for key, n in sorted(found.items()) if key not in complete})
    return MappingProxyType(complete)


def _offset_of(period: Period) -> tzinfo:
    local_midnight = datetime.combine(period.first_day, datetime.min.time())
    return timezone(local_midnight - period.start_utc.replace(tzinfo=None))


def _judged_weeks(period: Period, tz: tzinfo, now: datetime | None) -> list[WeekBounds]:
    weeks = []
    monday = period.first_day - timedelta(days=period.first_day.weekday())
    while monday <= period.last_day:
        week = make_period(monday, monday + timedelta(days=6), iso_week_label(monday), tz)
        if now is None or week.end_utc <= now:
            weeks.append(WeekBounds(week.label, monday, week.start_utc, week.end_utc))
        monday += timedelta(weeks=1)
    return weeks
