"""The SQL behind the statistics (SPEC §6, §10): every figure is counted by the database.

Each function takes the code of the scope's unit (the figures cover its subtree) and the local
days of the period, and reads the running totals of ``storage/stats_rollup.py``, which hold
each figure already counted per scope unit and local day (or ISO week): a province's year is a
few thousand rows instead of a million deliveries. Only the groups and their members are read
from the groups themselves (ten thousand rows at most). The tips' figures and cases are
counted in ``storage/stats_tips.py``, the weekly target in ``storage/stats_weeks.py``. Each
figure is a *part* (``storage/stats_parts.py``): ``/stats`` reads them all in one statement
(``storage/stats_period.py``), each function here reads its part alone. The queries stay within
what SQLite and PostgreSQL both understand.

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
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    String,
    Subquery,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.groups import ACTIVE
from storage.rollup_tables import stats_delivery_days, stats_outcome_days, unit_ancestors
from storage.schema import group_member_counts, groups, units
from storage.sms_subscribers import SMS_RECIPIENT
from storage.stats_parts import PartRow, Value, part_select, rows_by_part

# The parts of a period's figures read here (storage/stats_parts.py).
GROUPS, DELIVERIES, OUTCOMES = "groups", "deliveries", "outcomes"


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


def scope_groups(scope_code: Value, at: Value, dialect: str, *,
                 own_only: bool = False) -> Subquery:
    """The scope's groups counted at ``at``, one row each (id, status, channel, registered_at,
    members): active groups registered before ``at`` and SMS subscribers (status ``sms``)
    subscribed before it.

    Members of a group = its last member count taken before ``at`` (a group with no count by
    then counts 0 members): the history table, not the current count, so that a report on a
    past period gives the same figure tomorrow.
    """
    # A linked group is active or inactive; only the current status is kept, so a group that
    # left before the period's end and one that left after it are both left out.
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
    channel = channel_of_address(groups.c.address, dialect)
    return (
        select(groups.c.id, groups.c.status, channel.label("channel"), groups.c.registered_at,
               last_count.label("members"))
        .where(groups.c.unit_id.in_(subtree(scope_code, own_only)), or_(
            and_(groups.c.status == ACTIVE, groups.c.registered_at < at),
            and_(groups.c.status == SMS_RECIPIENT, groups.c.created_at < at)))
        .subquery("scope_groups")
    )


def subtree(scope_code: Value, own_only: bool) -> Select[Any]:
    """The ids of the units in the scope."""
    return select(unit_ancestors.c.unit_id).where(
        unit_ancestors.c.ancestor_id == scope_id_of(scope_code, own_only))


def group_part(scope_code: Value, at: Value, dialect: str, *, own_only: bool = False,
               judged_from: Value | None = None) -> Select[Any]:
    """Per (status, channel): groups and their members as of ``at`` (``scope_groups``), and
    how many were registered by ``judged_from`` (the first week's start: the groups held to
    the weekly target in every week, ``storage/stats_weeks.py``), in the same pass."""
    scope = scope_groups(scope_code, at, dialect, own_only=own_only)
    judged = (func.count(case((scope.c.registered_at <= judged_from, scope.c.id)))
              if judged_from is not None else literal(0, Integer))
    return (part_select(GROUPS, [scope.c.status, scope.c.channel],
                        [func.count(scope.c.id), func.coalesce(func.sum(scope.c.members), 0),
                         judged])
            .group_by(scope.c.status, scope.c.channel))


def read_group_totals(rows: Sequence[PartRow]) -> GroupTotals:
    by_channel = {name: GroupCount(count, members)
                  for _, status, name, count, members, _ in rows if status == ACTIVE}
    subscribers = sum(count for _, status, _, count, _, _ in rows if status == SMS_RECIPIENT)
    return GroupTotals(count=sum(c.count for c in by_channel.values()),
                       members=sum(c.members for c in by_channel.values()),
                       by_channel=by_channel, subscribers=subscribers)


def read_judged_groups(rows: Sequence[PartRow]) -> int:
    """The active groups registered by ``group_part``'s ``judged_from``."""
    return sum(judged for _, status, _, _, _, judged in rows if status == ACTIVE)


async def group_totals(conn: AsyncConnection, scope_code: str, at: datetime, *,
        own_only: bool = False) -> GroupTotals:
    """Active groups of the scope registered before ``at``, and their members as of ``at``,
    in total and per channel; and the scope's SMS subscribers (in the same query: one trip).
    See ``scope_groups``."""
    rows = rows_by_part(await conn.execute(
        group_part(scope_code, at, conn.dialect.name, own_only=own_only)))
    return read_group_totals(rows[GROUPS])


def channel_of_address(address: ColumnElement[Any], dialect: str) -> ColumnElement[str]:
    """The text before the first colon of an address column: its channel."""
    # Typed as a plain string, so the address type does not try to parse the result.
    # PostgreSQL cuts it in one call (split_part; for a province's 10,000 groups 0.7 ms less
    # than substr and strpos); SQLite has no split_part.
    if dialect == "postgresql":
        return func.split_part(address, ":", 1, type_=String)
    return func.substr(address, 1, func.instr(address, ":") - 1, type_=String)


def delivery_part(scope_code: Value, first_day: Value, last_day: Value, *,
                  own_only: bool = False) -> Select[Any]:
    """Distinct bulletins sent, (bulletin, group) pairs first delivered and deliveries failed
    on the local days ``first_day``..``last_day`` (one row)."""
    table = stats_delivery_days
    return (part_select(DELIVERIES, [], [
        func.count(distinct(case((table.c.pairs > 0, table.c.bulletin_id)))),
        func.coalesce(func.sum(table.c.pairs), 0), func.coalesce(func.sum(table.c.failed), 0)])
        .where(table.c.scope_id == scope_id_of(scope_code, own_only), table.c.day >= first_day,
               table.c.day <= last_day))


def read_delivery_totals(rows: Sequence[PartRow]) -> DeliveryTotals:
    sent, pairs, failed = (rows[0][3:] if rows else (0, 0, 0))
    return DeliveryTotals(bulletins_sent=sent, deliveries_sent=pairs, deliveries_failed=failed)


async def delivery_totals(conn: AsyncConnection, scope_code: str, first_day: date,
                          last_day: date, *,
        own_only: bool = False) -> DeliveryTotals:
    """(bulletin, group) pairs first delivered on the local days ``first_day``..``last_day``,
    the distinct bulletins among them, and deliveries that failed on those days, within the
    subtree of ``scope_code`` (the running totals of ``storage/stats_rollup.py``)."""
    rows = rows_by_part(await conn.execute(
        delivery_part(scope_code, first_day, last_day, own_only=own_only)))
    return read_delivery_totals(rows[DELIVERIES])


def outcome_part(scope_code: Value, first_day: Value, last_day: Value, *,
                 own_only: bool = False) -> Select[Any]:
    """Quantities per outcome kind recorded on the local days ``first_day``..``last_day``."""
    table = stats_outcome_days
    return (part_select(OUTCOMES, [table.c.kind], [func.sum(table.c.quantity)])
            .where(table.c.scope_id == scope_id_of(scope_code, own_only),
                   table.c.day >= first_day, table.c.day <= last_day)
            .group_by(table.c.kind))


def read_outcome_totals(rows: Sequence[PartRow]) -> dict[str, int]:
    return {row.key: row.first for row in rows}


async def outcome_totals(conn: AsyncConnection, scope_code: str, first_day: date,
                         last_day: date, *,
        own_only: bool = False) -> dict[str, int]:
    """Quantities per outcome kind recorded on the local days ``first_day``..``last_day``,
    against a tip or directly against a unit of the scope."""
    rows = rows_by_part(await conn.execute(
        outcome_part(scope_code, first_day, last_day, own_only=own_only)))
    return read_outcome_totals(rows[OUTCOMES])


def scope_id_of(scope_code: Value, own_only: bool) -> ScalarSelect[int]:
    """The unit's subtree scope, or (``own_only``) what is linked to the unit itself.
    ``scope_code``: a unit's code, or a bound parameter given the code in capitals."""
    unit_id = -units.c.id if own_only else units.c.id
    key = scope_code.upper() if isinstance(scope_code, str) else scope_code
    return select(unit_id).where(units.c.code_key == key).scalar_subquery()
