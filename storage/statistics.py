"""The SQL behind the statistics (SPEC §6, §10): every figure is counted by the database.

Each function takes the code of the scope's unit (the figures cover its subtree) and the local
days of the period, and reads the running totals of ``storage/stats_rollup.py``, which hold
each figure already counted per scope unit and local day (or ISO week): a province's year is a
few thousand rows instead of a million deliveries. Only the groups and their members are read
from the groups themselves (ten thousand rows at most). The tips' figures and cases are
counted in ``storage/stats_tips.py``. The queries stay within what SQLite and
PostgreSQL both understand.

Scope follows where things happened: groups and their deliveries by the unit the group is linked
to *now*, tips and outcomes by their own unit.

Figures by channel (SPEC §13): a group's channel is the prefix of its address
(``telegram:-1001…``, ``zalo_oa:group:…``); a delivery's, its recipient's; a tip's, the channel
it came in on (``tips.channel``); the running totals per channel are read in
``storage/stats_channels.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    ScalarSelect,
    String,
    Subquery,
    and_,
    case,
    column,
    distinct,
    func,
    or_,
    select,
    values,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.groups import ACTIVE
from storage.rollup_tables import (
    stats_delivery_days,
    stats_outcome_days,
    stats_week_groups,
    unit_ancestors,
)
from storage.schema import UTCDateTime, group_member_counts, groups, units
from storage.sms_subscribers import SMS_RECIPIENT


@dataclass(frozen=True)
class GroupCount:
    count: int
    members: int


@dataclass(frozen=True)
class GroupTotals:
    count: int
    members: int
    by_channel: dict[str, GroupCount]  # only the channels that have a group
    # SMS subscribers receiving now, first subscribed before ``at``: people, one each, not
    # groups (storage.sms_subscribers), so in none of the figures above.
    subscribers: int = 0


@dataclass(frozen=True)
class DeliveryTotals:
    bulletins_sent: int  # distinct bulletins with at least one sent delivery
    deliveries_sent: int
    deliveries_failed: int



@dataclass(frozen=True)
class WeekBounds:
    label: str  # YYYY-Www
    first_day: date  # its local Monday
    start: datetime
    end: datetime


def _active_groups_in_scope(scope_code: str, own_only: bool) -> ColumnElement[bool]:
    # A linked group is active or inactive; only the current status is kept, so a group that
    # left before the period's end and one that left after it are both left out.
    subtree = select(unit_ancestors.c.unit_id).where(
        unit_ancestors.c.ancestor_id == scope_id_of(scope_code, own_only))
    return and_(groups.c.unit_id.in_(subtree), groups.c.status == ACTIVE,
                groups.c.registered_at.is_not(None))


async def group_totals(conn: AsyncConnection, scope_code: str, at: datetime, *,
        own_only: bool = False) -> GroupTotals:
    """Active groups of the scope registered before ``at``, and their members as of ``at``,
    in total and per channel; and the scope's SMS subscribers (in the same query: one trip).

    Members of a group = its last member count taken before ``at`` (a group with no count by
    then counts 0 members): the history table, not the current count, so that a report on a
    past period gives the same figure tomorrow.
    """
    counted_before = (
        select(group_member_counts.c.members)
        .where(group_member_counts.c.group_id == groups.c.id,
               group_member_counts.c.counted_at < at)
        .order_by(group_member_counts.c.counted_at.desc(), group_member_counts.c.id.desc())
        .limit(1).scalar_subquery()
    )
    # The group row holds its newest count (storage.groups.record_member_count): when that was
    # taken before ``at`` it is the answer, and the history is searched only for the groups
    # counted again since (a past period). For this month, that is no group at all.
    last_count = case((groups.c.status == SMS_RECIPIENT, 1),
                      (groups.c.member_count_at < at, groups.c.member_count),
                      else_=counted_before)
    channel = channel_of_address(groups.c.address, conn.dialect.name)
    subtree = select(unit_ancestors.c.unit_id).where(
        unit_ancestors.c.ancestor_id == scope_id_of(scope_code, own_only))
    per_group = (
        select(groups.c.id, groups.c.status, channel.label("channel"),
               last_count.label("members"))
        .where(groups.c.unit_id.in_(subtree), or_(
            and_(groups.c.status == ACTIVE, groups.c.registered_at < at),
            and_(groups.c.status == SMS_RECIPIENT, groups.c.created_at < at)))
        .subquery()
    )
    rows = (await conn.execute(
        select(per_group.c.status, per_group.c.channel, func.count(per_group.c.id),
               func.coalesce(func.sum(per_group.c.members), 0))
        .group_by(per_group.c.status, per_group.c.channel))).all()
    by_channel = {name: GroupCount(int(count), int(members))
                  for status, name, count, members in rows if status == ACTIVE}
    subscribers = sum(int(count) for status, _, count, _ in rows if status == SMS_RECIPIENT)
    return GroupTotals(count=sum(c.count for c in by_channel.values()),
                       members=sum(c.members for c in by_channel.values()),
                       by_channel=by_channel, subscribers=subscribers)


def channel_of_address(address: ColumnElement[Any], dialect: str) -> ColumnElement[str]:
    """The text before the first colon of an address column: its channel."""
    # Neither database has a common name for "position of": SQLite says instr, PostgreSQL
    # strpos. Typed as a plain string, so the address type does not try to parse the result.
    position = (func.strpos(address, ":") if dialect == "postgresql"
                else func.instr(address, ":"))
    return func.substr(address, 1, position - 1, type_=String)


async def delivery_totals(conn: AsyncConnection, scope_code: str, first_day: date,
                          last_day: date, *,
        own_only: bool = False) -> DeliveryTotals:
    """(bulletin, group) pairs first delivered on the local days ``first_day``..``last_day``,
    the distinct bulletins among them, and deliveries that failed on those days, within the
    subtree of ``scope_code`` (the running totals of ``storage/stats_rollup.py``)."""
    table = stats_delivery_days
    row = (await conn.execute(
        select(func.count(distinct(case((table.c.pairs > 0, table.c.bulletin_id)))),
               func.coalesce(func.sum(table.c.pairs), 0),
               func.coalesce(func.sum(table.c.failed), 0))
        .where(table.c.scope_id == scope_id_of(scope_code, own_only), table.c.day >= first_day,
               table.c.day <= last_day))).one()
    return DeliveryTotals(bulletins_sent=int(row[0]), deliveries_sent=int(row[1]),
                          deliveries_failed=int(row[2]))


def report_weeks(weeks: Sequence[WeekBounds], name: str) -> CTE:
    """The weeks as a table of ``VALUES`` (label, monday, starts)."""
    return values(
        column("label", String), column("monday", Date()), column("starts", UTCDateTime()),
        name=name,
    ).data([(w.label, w.first_day, w.start) for w in weeks]).cte(name)


def judged_groups_per_week(week_table: CTE, weeks: Sequence[WeekBounds], scope_code: str,
                           own_only: bool) -> Subquery:
    """(label, monday, groups): the groups of the scope held to the target in each week."""
    # Judged groups: those registered before the first week, counted once, plus those
    # registered since then and before the week (few: no week is joined to every group).
    in_scope = _active_groups_in_scope(scope_code, own_only)
    first_start = min(w.start for w in weeks)
    judged_before = (select(func.count(groups.c.id))
                     .where(in_scope, groups.c.registered_at <= first_start).scalar_subquery())
    return (
        select(week_table.c.label, week_table.c.monday,
               (judged_before + func.count(groups.c.id)).label("groups"))
        .select_from(week_table.outerjoin(groups, and_(
            in_scope, groups.c.registered_at > first_start,
            groups.c.registered_at <= week_table.c.starts)))
        .group_by(week_table.c.label, week_table.c.monday)
        .subquery()
    )


async def weeks_below_target(conn: AsyncConnection, scope_code: str,
                             weeks: Sequence[WeekBounds], weekly_target: int, *,
        own_only: bool = False) -> list[str]:
    """Labels of the ``weeks`` in which some group of the scope got fewer than
    ``weekly_target`` distinct bulletins.

    A group is judged in a week when it is active now and was registered before the week began
    (a group that joins mid-week is not held to a whole week's target); a judged group with no
    delivery at all that week falls short too.
    """
    if not weeks or weekly_target <= 0:
        return []
    week_table = report_weeks(weeks, "report_weeks")
    judged_per_week = judged_groups_per_week(week_table, weeks, scope_code, own_only)
    # Judged groups that met the target: the running weekly histogram of the scope.
    histogram = stats_week_groups
    on_target_per_week = (
        select(histogram.c.week, func.sum(histogram.c.groups).label("groups"))
        .where(histogram.c.scope_id == scope_id_of(scope_code, own_only),
               histogram.c.week.in_([w.first_day for w in weeks]),
               histogram.c.bulletins >= weekly_target)
        .group_by(histogram.c.week)
        .subquery()
    )
    rows = await conn.execute(
        select(judged_per_week.c.label)
        .select_from(judged_per_week.outerjoin(
            on_target_per_week, on_target_per_week.c.week == judged_per_week.c.monday))
        .where(judged_per_week.c.groups > func.coalesce(on_target_per_week.c.groups, 0))
        .order_by(judged_per_week.c.label)
    )
    return [r[0] for r in rows]


async def outcome_totals(conn: AsyncConnection, scope_code: str, first_day: date,
                         last_day: date, *,
        own_only: bool = False) -> dict[str, int]:
    """Quantities per outcome kind recorded on the local days ``first_day``..``last_day``,
    against a tip or directly against a unit of the scope."""
    table = stats_outcome_days
    rows = await conn.execute(
        select(table.c.kind, func.sum(table.c.quantity))
        .where(table.c.scope_id == scope_id_of(scope_code, own_only), table.c.day >= first_day,
               table.c.day <= last_day)
        .group_by(table.c.kind))
    return {kind: int(total) for kind, total in rows}


def scope_id_of(scope_code: str, own_only: bool) -> ScalarSelect[int]:
    """The unit's subtree scope, or (``own_only``) what is linked to the unit itself."""
    unit_id = -units.c.id if own_only else units.c.id
    return select(unit_id).where(units.c.code_key == scope_code.upper()).scalar_subquery()
