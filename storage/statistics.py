"""The SQL behind the statistics (SPEC §6, §10): every figure is counted by the database.

Each function takes the unit codes of a scope (a unit's subtree) and a half-open UTC interval
``[start, end)``, and returns totals already aggregated with ``GROUP BY``; no function walks
rows in Python. The queries stay within what SQLite and PostgreSQL both understand.

Scope follows where things happened: groups by the unit they are linked to *now*, deliveries by
their group's unit, tips and outcomes by their own unit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    column,
    distinct,
    func,
    select,
    values,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.deliveries import FAILED, SENT
from storage.groups import ACTIVE
from storage.schema import UTCDateTime, deliveries, group_member_counts, groups, units
from storage.tips_tables import outcomes, tips


@dataclass(frozen=True)
class GroupTotals:
    count: int
    members: int


@dataclass(frozen=True)
class DeliveryTotals:
    bulletins_sent: int  # distinct bulletins with at least one sent delivery
    deliveries_sent: int
    deliveries_failed: int


@dataclass(frozen=True)
class TipCount:
    """How many tips share one (category, assessment, state)."""

    category: str
    assessment: str
    state: str
    count: int


@dataclass(frozen=True)
class WeekBounds:
    label: str  # YYYY-Www
    start: datetime
    end: datetime


async def _scope_unit_ids(conn: AsyncConnection, unit_codes: Collection[str]) -> list[int]:
    # The ids themselves, not a subquery, go into the statistics queries: PostgreSQL then
    # reads each unit's range of a (unit_id, created_at) index instead of the whole table.
    rows = await conn.execute(
        select(units.c.id).where(units.c.code_key.in_([c.upper() for c in unit_codes])))
    return sorted(r[0] for r in rows)


def _active_groups_in_scope(unit_ids: Collection[int]) -> ColumnElement[bool]:
    # A linked group is active or inactive; only the current status is kept, so a group that
    # left before the period's end and one that left after it are both left out.
    return and_(groups.c.unit_id.in_(unit_ids), groups.c.status == ACTIVE,
                groups.c.registered_at.is_not(None))


async def group_totals(conn: AsyncConnection, unit_codes: Collection[str],
                       at: datetime) -> GroupTotals:
    """Active groups of the scope registered before ``at``, and their members as of ``at``.

    Members of a group = its last member count taken before ``at`` (a group with no count by
    then counts 0 members): the history table, not the current count, so that a report on a
    past period gives the same figure tomorrow.
    """
    unit_ids = await _scope_unit_ids(conn, unit_codes)
    last_count = (
        select(group_member_counts.c.members)
        .where(group_member_counts.c.group_id == groups.c.id,
               group_member_counts.c.counted_at < at)
        .order_by(group_member_counts.c.counted_at.desc(), group_member_counts.c.id.desc())
        .limit(1).scalar_subquery()
    )
    per_group = (
        select(groups.c.id, last_count.label("members"))
        .where(_active_groups_in_scope(unit_ids), groups.c.registered_at < at)
        .subquery()
    )
    row = (await conn.execute(
        select(func.count(per_group.c.id), func.coalesce(func.sum(per_group.c.members), 0))
    )).one()
    return GroupTotals(count=int(row[0]), members=int(row[1]))


async def delivery_totals(conn: AsyncConnection, unit_codes: Collection[str], start: datetime,
                          end: datetime) -> DeliveryTotals:
    """Sent deliveries by ``sent_at``; failed ones by when they failed (``updated_at``).

    Deliveries still pending, sending or uncertain are in neither figure.
    """
    unit_ids = await _scope_unit_ids(conn, unit_codes)
    in_scope_groups = select(groups.c.id).where(groups.c.unit_id.in_(unit_ids))
    sent_rows = and_(deliveries.c.group_id.in_(in_scope_groups), deliveries.c.status == SENT,
                     deliveries.c.sent_at >= start, deliveries.c.sent_at < end)
    bulletins_sent = (await conn.execute(
        select(func.count(distinct(deliveries.c.bulletin_id))).where(sent_rows))).scalar_one()
    # SPEC §10 counts (bulletin, group) pairs: a forced re-send adds a row (a second round) to
    # the same pair, so pairs are counted per group.
    pairs_per_group = (select(func.count(distinct(deliveries.c.bulletin_id)).label("pairs"))
                       .where(sent_rows).group_by(deliveries.c.group_id).subquery())
    pairs = (await conn.execute(
        select(func.coalesce(func.sum(pairs_per_group.c.pairs), 0)))).scalar_one()
    failed = (await conn.execute(
        select(func.count(deliveries.c.id))
        .where(deliveries.c.group_id.in_(in_scope_groups), deliveries.c.status == FAILED,
               deliveries.c.updated_at >= start, deliveries.c.updated_at < end)
    )).scalar_one()
    return DeliveryTotals(bulletins_sent=int(bulletins_sent), deliveries_sent=int(pairs),
                          deliveries_failed=int(failed))


async def weeks_below_target(conn: AsyncConnection, unit_codes: Collection[str],
                             weeks: Sequence[WeekBounds], weekly_target: int) -> list[str]:
    """Labels of the ``weeks`` in which some group of the scope got fewer than
    ``weekly_target`` bulletins (sent deliveries).

    A group is judged in a week when it is active now and was registered before the week began
    (a group that joins mid-week is not held to a whole week's target); a judged group with no
    delivery at all that week falls short too.
    """
    if not weeks or weekly_target <= 0:
        return []
    week_table = values(
        column("label", String), column("starts", UTCDateTime()), column("ends", UTCDateTime()),
        name="report_weeks",
    ).data([(w.label, w.start, w.end) for w in weeks]).cte("report_weeks")
    # A week falls short when fewer of its judged groups met the target than were judged.
    # Judged groups: those registered before the first week, counted once, plus those
    # registered since then and before the week (few: no week is joined to every group).
    # Sent deliveries are counted per (week, group) first, reading each one once through an
    # index, and only the pairs that met the target meet the groups table again; joining every
    # week to every group and then to its deliveries did not scale (bench/stats.py).
    unit_ids = await _scope_unit_ids(conn, unit_codes)
    first_start = min(w.start for w in weeks)
    judged_before = (
        select(func.count(groups.c.id))
        .where(_active_groups_in_scope(unit_ids), groups.c.registered_at <= first_start)
        .scalar_subquery()
    )
    judged_per_week = (
        select(week_table.c.label,
               (judged_before + func.count(groups.c.id)).label("groups"))
        .select_from(week_table.outerjoin(groups, and_(
            _active_groups_in_scope(unit_ids), groups.c.registered_at > first_start,
            groups.c.registered_at <= week_table.c.starts)))
        .group_by(week_table.c.label)
        .subquery()
    )
    scope_groups = select(groups.c.id).where(_active_groups_in_scope(unit_ids))
    sent_per_group_week = (
        select(week_table.c.label, week_table.c.starts, deliveries.c.group_id)
        .select_from(week_table.join(deliveries, and_(
            deliveries.c.status == SENT, deliveries.c.sent_at >= week_table.c.starts,
            deliveries.c.sent_at < week_table.c.ends)))
        .where(deliveries.c.group_id.in_(scope_groups))
        .group_by(week_table.c.label, week_table.c.starts, deliveries.c.group_id)
        # Distinct bulletins: a forced re-send (a second round) is not a second bulletin.
        .having(func.count(distinct(deliveries.c.bulletin_id)) >= weekly_target)
        .subquery()
    )
    on_target_per_week = (
        select(sent_per_group_week.c.label, func.count().label("groups"))
        .select_from(sent_per_group_week.join(groups, and_(
            groups.c.id == sent_per_group_week.c.group_id,
            groups.c.registered_at <= sent_per_group_week.c.starts)))
        .group_by(sent_per_group_week.c.label)
        .subquery()
    )
    rows = await conn.execute(
        select(judged_per_week.c.label)
        .select_from(judged_per_week.outerjoin(
            on_target_per_week, on_target_per_week.c.label == judged_per_week.c.label))
        .where(judged_per_week.c.groups > func.coalesce(on_target_per_week.c.groups, 0))
        .order_by(judged_per_week.c.label)
    )
    return [r[0] for r in rows]


async def tip_counts(conn: AsyncConnection, unit_codes: Collection[str], start: datetime,
                     end: datetime) -> list[TipCount]:
    """Tips received (``created_at``) in the interval, counted per category, current
    assessment and current state."""
    unit_ids = await _scope_unit_ids(conn, unit_codes)
    rows = await conn.execute(
        select(tips.c.category, tips.c.assessment, tips.c.state, func.count(tips.c.id))
        .where(tips.c.unit_id.in_(unit_ids),
               tips.c.created_at >= start, tips.c.created_at < end)
        .group_by(tips.c.category, tips.c.assessment, tips.c.state)
    )
    return [TipCount(r[0], r[1], r[2], int(r[3])) for r in rows]


async def outcome_totals(conn: AsyncConnection, unit_codes: Collection[str], start: datetime,
                         end: datetime) -> dict[str, int]:
    """Quantities per outcome kind recorded (``recorded_at``) in the interval, against a tip
    or directly against a unit of the scope."""
    unit_ids = await _scope_unit_ids(conn, unit_codes)
    rows = await conn.execute(
        select(outcomes.c.kind, func.sum(outcomes.c.quantity))
        .where(outcomes.c.unit_id.in_(unit_ids),
               outcomes.c.recorded_at >= start, outcomes.c.recorded_at < end)
        .group_by(outcomes.c.kind)
    )
    return {kind: int(total) for kind, total in rows}
