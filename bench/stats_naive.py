"""The naive way to the same figures, for comparison in ``bench/stats.py``: fetch the rows of the
period (filtered by time only) and count them in Python.

It follows the rules written in ``reports/stats.py`` independently of ``storage/statistics.py``,
so that agreement between the two is a check of the SQL too.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Collection
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, func, or_, select

from reports.periods import Period, iso_week_label, make_period
from reports.stats import UnitStatistics
from storage.db import Database
from storage.schema import deliveries, group_member_counts, groups, units
from storage.tips_tables import outcomes, tips


def figures(stats: UnitStatistics) -> dict[str, Any]:
    """The numbers of ``stats`` as plain data, zeros left out, for comparison."""
    return {
        "groups": (stats.groups.count, stats.groups.members),
        "bulletins": (stats.bulletins.sent, stats.bulletins.deliveries, stats.bulletins.failed,
                      tuple(stats.bulletins.weeks_below_target)),
        "tips": (stats.tips.received, stats.tips.valuable, stats.tips.not_valuable,
                 stats.tips.false, stats.tips.unassessed, stats.tips.closed),
        "by_category": {k: n for k, n in stats.tips.by_category.items() if n},
        "outcomes": {k: n for k, n in stats.outcomes.items() if n},
        "cases": stats.tips.cases,
        "by_channel": {name: (c.groups, c.members, c.deliveries, c.failed, c.tips)
                       for name, c in stats.by_channel.items()
                       if c.groups or c.members or c.deliveries or c.failed or c.tips},
    }


def _weeks(period: Period, tz: tzinfo, now: datetime) -> list[tuple[str, datetime, datetime]]:
    weeks = []
    monday = period.first_day - timedelta(days=period.first_day.weekday())
    while monday <= period.last_day:
        week = make_period(monday, monday + timedelta(days=6), iso_week_label(monday), tz)
        if week.end_utc <= now:
            weeks.append((week.label, week.start_utc, week.end_utc))
        monday += timedelta(weeks=1)
    return weeks


async def naive_figures(db: Database, scope: Collection[str], period: Period, *,
                        weekly_target: int, now: datetime, tz: tzinfo) -> dict[str, Any]:
    start, end = period.start_utc, period.end_utc
    weeks = _weeks(period, tz, now)
    async with db.reading() as conn:
        keys = [c.upper() for c in scope]
        unit_ids = {r[0] for r in await conn.execute(select(units.c.id, units.c.code_key))
                    if r[1] in keys}
        all_groups = (await conn.execute(select(groups.c.id, groups.c.unit_id, groups.c.status,
                                                groups.c.registered_at, groups.c.created_at,
                                                groups.c.address))).all()
        counts = await conn.execute(
            select(group_member_counts.c.group_id, group_member_counts.c.members,
                   group_member_counts.c.counted_at, group_member_counts.c.id)
            .where(group_member_counts.c.counted_at < end))
        window_start = min([start, *(w[1] for w in weeks)])
        window_end = max([end, *(w[2] for w in weeks)])
        delivery_rows = (await conn.execute(
            select(deliveries.c.bulletin_id, deliveries.c.group_id, deliveries.c.status,
                   deliveries.c.sent_at, deliveries.c.updated_at)
            .where(or_(and_(deliveries.c.sent_at >= window_start,
                            deliveries.c.sent_at < window_end),
                        and_(deliveries.c.updated_at >= start, deliveries.c.updated_at < end)))
        )).all()
        tip_rows = [r for r in await conn.execute(
            select(tips.c.unit_id, tips.c.category, tips.c.assessment, tips.c.state,
                   tips.c.channel, func.coalesce(tips.c.case_id, tips.c.id))
            .where(tips.c.created_at >= start, tips.c.created_at < end)) if r[0] in unit_ids]
        tip_counts = Counter((r[1], r[2], r[3]) for r in tip_rows)
        outcome_rows = await conn.execute(
            select(outcomes.c.unit_id, outcomes.c.kind, outcomes.c.quantity)
            .where(outcomes.c.recorded_at >= start, outcomes.c.recorded_at < end))
        outcome_totals: Counter[str] = Counter()
        for unit_id, kind, quantity in outcome_rows:
            if unit_id in unit_ids:
                outcome_totals[kind] += quantity

    in_scope = {g.id for g in all_groups if g.unit_id in unit_ids}
    active = [g for g in all_groups if g.id in in_scope and g.status == "active"
              and g.registered_at is not None]
    latest: dict[int, tuple[datetime, int, int]] = {}
    for group_id, members, counted_at, row_id in counts:
        if group_id not in latest or (counted_at, row_id) > latest[group_id][:2]:
            latest[group_id] = (counted_at, row_id, members)
    counted = [g for g in active if g.registered_at < end]
    members = sum(latest[g.id][2] for g in counted if g.id in latest)

    sent = [d for d in delivery_rows if d.group_id in in_scope and d.status == "sent"
            and start <= d.sent_at < end]
    failed = sum(1 for d in delivery_rows if d.group_id in in_scope and d.status == "failed"
                 and start <= d.updated_at < end)
    short_weeks = []
    if weekly_target > 0:
        starts = [w[1] for w in weeks]
        got: Counter[tuple[int, int]] = Counter()  # (week index, group id) -> sent deliveries
        for d in delivery_rows:
            n = bisect_right(starts, d.sent_at) - 1 if d.status == "sent" else -1
            if n >= 0 and d.sent_at < weeks[n][2]:
                got[n, d.group_id] += 1
        for n, (label, week_start, _end) in enumerate(weeks):
            if any(got[n, g.id] < weekly_target for g in active if g.registered_at <= week_start):
                short_weeks.append(label)

    by_assessment: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for (category, assessment, _state), n in tip_counts.items():
        by_assessment[assessment] += n
        by_category[category] += n
    closed = sum(n for (_c, _a, state), n in tip_counts.items() if state == "closed")
    # By channel: a group's is its address's prefix; an SMS subscriber counts as one group of
    # one member; a delivery's channel is its recipient's.
    channel_of = {g.id: g.address.channel for g in all_groups if g.id in in_scope}
    by_channel: dict[str, list[int]] = {}

    def add(channel: str, at: int, n: int = 1) -> None:
        by_channel.setdefault(channel, [0] * 5)[at] += n

    for g in counted:
        add(channel_of[g.id], 0)
        add(channel_of[g.id], 1, latest[g.id][2] if g.id in latest else 0)
    for g in all_groups:
        if g.id in in_scope and g.status == "sms" and g.created_at < end:
            add(channel_of[g.id], 0)
            add(channel_of[g.id], 1)
    for d in sent:
        add(channel_of[d.group_id], 2)
    for d in delivery_rows:
        if d.group_id in in_scope and d.status == "failed" and start <= d.updated_at < end:
            add(channel_of[d.group_id], 3)
    for r in tip_rows:
        add(r[4], 4)
    return {
        "groups": (len(counted), members),
        "bulletins": (len({d.bulletin_id for d in sent}), len(sent), failed, tuple(short_weeks)),
        "tips": (sum(tip_counts.values()), by_assessment["valuable"],
                 by_assessment["not_valuable"], by_assessment["false"],
                 by_assessment["unassessed"], closed),
        "by_category": {k: n for k, n in by_category.items() if n},
        "outcomes": {k: n for k, n in outcome_totals.items() if n},
        "cases": len({r[5] for r in tip_rows}),
        "by_channel": {name: tuple(n) for name, n in by_channel.items() if any(n)},
    }
