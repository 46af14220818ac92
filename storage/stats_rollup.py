"""Keeping the statistics' running totals (``storage/rollup_tables.py``) true, event by event.

Each function is called by the storage function that changes what it counts, inside the same
transaction, so a total can never disagree with the rows it counts: a tip filed, assessed or
closed; an outcome recorded; a delivery sent or failed; a group linked, left or moved.

What is counted where (the figures of SPEC §6, §10):
- a tip on the local day it was received, by category and its *current* assessment and state;
- a (bulletin, group) pair on the local day it was first delivered: a forced re-send (a second
  round) is neither a second delivery nor a second bulletin; a failed delivery on the day it
  failed;
- a group's distinct bulletins per ISO week, and in each scope how many *judged* groups (active
  now, registered before the week began) got each number of bulletins that week;
- per channel (the prefix of the recipient's address, the tip's channel): pairs first
  delivered, deliveries failed and tips received, on the same days as above;
- deliveries and the weekly histogram follow the group's *current* unit, as groups always have:
  when a group is linked elsewhere, leaves or comes back, its part is taken out and put back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, String, Table, TextClause, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conflict_insert import conflict_insert
from storage.db import DEFAULT_TIMEZONE, TIMEZONE_OPTION
from storage.prepared import prepared
from storage.rollup_tables import (
    stats_channel_days,
    stats_delivery_days,
    stats_group_weeks,
    stats_outcome_days,
    stats_tip_category_days,
    stats_tip_state_days,
    stats_week_groups,
    unit_ancestors,
)
from storage.schema import deliveries, groups

TELEGRAM = "telegram"  # core.address.TELEGRAM: the channel of every tip before 0016
SENT = "sent"  # storage.deliveries imports this module, so its constants are not imported
FAILED = "failed"
ACTIVE = "active"


def zone_of(conn: AsyncConnection) -> ZoneInfo:
    sync = conn.sync_connection
    options = sync.get_execution_options() if sync is not None else {}
    return ZoneInfo(str(options.get(TIMEZONE_OPTION, DEFAULT_TIMEZONE)))


def local_day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def week_of(day: date) -> date:
    """The local Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_start_utc(week: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(week, time(), tzinfo=zone).astimezone(UTC)


def judged_in(week: date, status: str | None, registered_at: datetime | None,
              zone: ZoneInfo) -> bool:
    """Is a group held to the weekly target in ``week``? (active now, registered before it)"""
    return (status == ACTIVE and registered_at is not None
            and registered_at <= week_start_utc(week, zone))


async def add_in_scopes(conn: AsyncConnection, table: Table, unit_id: int,
                        key: Mapping[str, Any], amounts: Mapping[str, int]) -> None:
    """Add ``amounts`` to the row ``key`` of ``table`` in every scope ``unit_id`` counts in
    (the unit and each unit above it): one statement, whatever the depth of the tree."""
    statement = _upsert_in_scopes(table, tuple(key), tuple(amounts), conn.dialect.name)
    await conn.execute(statement, {"unit_id": unit_id, **key, **amounts})


@cache
def _upsert_in_scopes(table: Table, key: tuple[str, ...], amounts: tuple[str, ...],
                      dialect: str) -> TextClause:
    # Spelled out and built once per shape: SQLAlchemy cannot cache the dialects'
    # ``insert().on_conflict_do_update()`` and compiled it anew on every call, two thirds of the
    # cost of filing a tip. SQLite (3.35+) and PostgreSQL both take this text; the WHERE also
    # settles SQLite's "ON CONFLICT after SELECT" parsing ambiguity.
    columns = [*key, *amounts]
    values = ", ".join(_parameter(table, name, dialect) for name in columns)
    primary_key = ", ".join(c.name for c in table.primary_key.columns)
    additions = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in amounts)
    ancestors = unit_ancestors.name
    return prepared(text(
        f"INSERT INTO {table.name} (scope_id, {', '.join(columns)})"
        f" SELECT {ancestors}.ancestor_id, {values} FROM {ancestors}"
        f" WHERE {ancestors}.unit_id = :unit_id"
        f" ON CONFLICT ({primary_key}) DO UPDATE SET {additions}"
    ).bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns)))


def _parameter(table: Table, name: str, dialect: str) -> str:
    # PostgreSQL must be told a parameter's type in a SELECT list; SQLite must not be (CAST AS
    # DATE there means NUMERIC, which would turn '2026-01-05' into 2026).
    if dialect != "postgresql":
        return f":{name}"
    kind = table.c[name].type
    sql_type = "DATE" if isinstance(kind, Date) else "VARCHAR" if isinstance(kind, String) \
        else "INTEGER"
    return f"CAST(:{name} AS {sql_type})"


# ---- tips and outcomes ----------------------------------------------------------------------
async def tip_filed(conn: AsyncConnection, unit_id: int, received_at: datetime, category: str,
                    assessment: str, state: str, channel: str = TELEGRAM) -> None:
    day = local_day(received_at, zone_of(conn))
    await add_in_scopes(conn, stats_channel_days, unit_id, {"day": day, "channel": channel},
                        {"deliveries": 0, "failed": 0, "tips": 1})
    await add_in_scopes(conn, stats_tip_category_days, unit_id,
                        {"day": day, "category": category}, {"tips": 1})
    await add_in_scopes(conn, stats_tip_state_days, unit_id,
                        {"day": day, "assessment": assessment, "state": state}, {"tips": 1})


async def tip_changed(conn: AsyncConnection, unit_id: int, received_at: datetime,
                      before: tuple[str, str], after: tuple[str, str]) -> None:
    """A tip's (assessment, state) went from ``before`` to ``after``."""
    day = local_day(received_at, zone_of(conn))
    for (assessment, state), amount in ((before, -1), (after, 1)):
        await add_in_scopes(conn, stats_tip_state_days, unit_id, {
            "day": day, "assessment": assessment, "state": state}, {"tips": amount})


async def outcomes_recorded(conn: AsyncConnection, unit_id: int, recorded_at: datetime,
                            quantities: Mapping[str, int]) -> None:
    day = local_day(recorded_at, zone_of(conn))
    for kind, quantity in quantities.items():
        await add_in_scopes(conn, stats_outcome_days, unit_id, {"day": day, "kind": kind},
                            {"quantity": quantity})


# ---- deliveries -------------------------------------------------------------------------------
async def delivery_sent(conn: AsyncConnection, delivery_id: int, sent_at: datetime) -> None:
    """Call after the row became ``sent``. Counts only the pair's first delivered row."""
    same_pair = deliveries.alias("same_pair")
    sent_rows = (select(func.count()).select_from(same_pair)
                 .where(same_pair.c.bulletin_id == deliveries.c.bulletin_id,
                        same_pair.c.group_id == deliveries.c.group_id,
                        same_pair.c.status == SENT).scalar_subquery())
    row = (await conn.execute(
        select(deliveries.c.bulletin_id, deliveries.c.group_id, groups.c.unit_id,
               groups.c.address, groups.c.status, groups.c.registered_at,
               sent_rows.label("sent_rows"))
        .select_from(deliveries.join(groups, groups.c.id == deliveries.c.group_id))
        .where(deliveries.c.id == delivery_id))).first()
    if row is None or row.sent_rows != 1:
        return
    zone = zone_of(conn)
    day = local_day(sent_at, zone)
    await add_in_scopes(conn, stats_delivery_days, row.unit_id,
                        {"day": day, "bulletin_id": row.bulletin_id}, {"pairs": 1, "failed": 0})
    await add_in_scopes(conn, stats_channel_days, row.unit_id,
                        {"day": day, "channel": row.address.channel},
                        {"deliveries": 1, "failed": 0, "tips": 0})
    week = week_of(day)
    upsert = conflict_insert(conn, stats_group_weeks).values(group_id=row.group_id, week=week,
                                                      bulletins=1)
    bulletins = (await conn.execute(upsert.on_conflict_do_update(
        index_elements=["group_id", "week"],
        set_={"bulletins": stats_group_weeks.c.bulletins + 1},
    ).returning(stats_group_weeks.c.bulletins))).scalar_one()
    if judged_in(week, row.status, row.registered_at, zone):
        await _move_in_histogram(conn, row.unit_id, week, bulletins - 1, bulletins)


async def _move_in_histogram(conn: AsyncConnection, unit_id: int, week: date, was: int,
                             now: int) -> None:
    if was > 0:
        await add_in_scopes(conn, stats_week_groups, unit_id,
                            {"week": week, "bulletins": was}, {"groups": -1})
    await add_in_scopes(conn, stats_week_groups, unit_id, {"week": week, "bulletins": now},
                        {"groups": 1})


async def delivery_failed(conn: AsyncConnection, delivery_id: int, failed_at: datetime) -> None:
    """Call after the row became ``failed`` (it never leaves that state)."""
    row = (await conn.execute(
        select(deliveries.c.bulletin_id, groups.c.unit_id, groups.c.address)
        .select_from(deliveries.join(groups, groups.c.id == deliveries.c.group_id))
        .where(deliveries.c.id == delivery_id))).first()
    if row is None:
        return
    day = local_day(failed_at, zone_of(conn))
    await add_in_scopes(conn, stats_delivery_days, row.unit_id, {
        "day": day, "bulletin_id": row.bulletin_id}, {"pairs": 0, "failed": 1})
    await add_in_scopes(conn, stats_channel_days, row.unit_id,
                        {"day": day, "channel": row.address.channel},
                        {"deliveries": 0, "failed": 1, "tips": 0})


# ---- groups -----------------------------------------------------------------------------------
async def forget_group(conn: AsyncConnection, group_id: int) -> None:
    """Take the group's part out of its scopes' totals: call *before* changing its unit, status
    or registration date, then :func:`count_group` after."""
    await _apply_group(conn, group_id, -1)


async def count_group(conn: AsyncConnection, group_id: int) -> None:
    await _apply_group(conn, group_id, 1)


async def _apply_group(conn: AsyncConnection, group_id: int, sign: int) -> None:
    group = (await conn.execute(select(groups.c.unit_id, groups.c.address, groups.c.status,
                                       groups.c.registered_at)
                                .where(groups.c.id == group_id))).first()
    if group is None or group.unit_id is None:
        return
    zone = zone_of(conn)
    per_day: Counter[date] = Counter()
    failed_per_day: Counter[date] = Counter()
    for (day, bulletin_id), (pairs, failed) in (await group_deliveries(conn, group_id,
                                                                       zone)).items():
        await add_in_scopes(conn, stats_delivery_days, group.unit_id,
                            {"day": day, "bulletin_id": bulletin_id},
                            {"pairs": sign * pairs, "failed": sign * failed})
        per_day[day] += pairs
        failed_per_day[day] += failed
    for day in per_day:
        await add_in_scopes(conn, stats_channel_days, group.unit_id,
                            {"day": day, "channel": group.address.channel},
                            {"deliveries": sign * per_day[day],
                             "failed": sign * failed_per_day[day], "tips": 0})
    weeks = await conn.execute(select(stats_group_weeks.c.week, stats_group_weeks.c.bulletins)
                               .where(stats_group_weeks.c.group_id == group_id))
    for week, bulletins in weeks.all():
        if judged_in(week, group.status, group.registered_at, zone):
            await add_in_scopes(conn, stats_week_groups, group.unit_id,
                                {"week": week, "bulletins": bulletins}, {"groups": sign})


async def group_deliveries(conn: AsyncConnection, group_id: int,
                           zone: ZoneInfo) -> dict[tuple[date, int], tuple[int, int]]:
    """(day, bulletin) -> (pairs first delivered, deliveries failed) of one group."""
    first_sent = await conn.execute(
        select(deliveries.c.bulletin_id, func.min(deliveries.c.sent_at))
        .where(deliveries.c.group_id == group_id, deliveries.c.status == SENT)
        .group_by(deliveries.c.bulletin_id))
    failed = await conn.execute(
        select(deliveries.c.bulletin_id, deliveries.c.updated_at)
        .where(deliveries.c.group_id == group_id, deliveries.c.status == FAILED))
    return tally_deliveries(first_sent.all(), failed.all(), zone)


def tally_deliveries(first_sent: Iterable[Any], failed: Iterable[Any],
                     zone: ZoneInfo) -> dict[tuple[date, int], tuple[int, int]]:
    pairs: Counter[tuple[date, int]] = Counter()
    failures: Counter[tuple[date, int]] = Counter()
    for bulletin_id, at in first_sent:
        pairs[(local_day(utc(at), zone), bulletin_id)] += 1
    for bulletin_id, at in failed:
        failures[(local_day(utc(at), zone), bulletin_id)] += 1
    return {key: (pairs[key], failures[key]) for key in pairs.keys() | failures.keys()}


def utc(at: datetime) -> datetime:
    # ``min()`` over a column comes back without the column's type on SQLite: a naive string
    # or datetime in UTC, as UTCDateTime stores it.
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at

