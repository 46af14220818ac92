"""Dispatches and their delivery rows: the durable state of every send (SPEC §5, §12).

Every status change is its own short transaction, taken by the caller; in particular "sending"
is committed before the request goes out, which is what lets a restart tell "maybe sent"
(uncertain) apart from "not sent yet" (pending).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement, TextClause

from core.address import Address
from storage import stats_rollup
from storage.groups import ACTIVE
from storage.leader_lock import leader_fence
from storage.schema import deliveries, dispatches, groups, units
from storage.sms_subscribers import SMS_RECIPIENT
from storage.units import unit_id_of

PENDING, SENDING, SENT, FAILED, UNCERTAIN = "pending", "sending", "sent", "failed", "uncertain"
OPEN_STATES = (PENDING, SENDING)
ALERT = "alert"  # the dispatch kind whose rows jump the queue


@dataclass(frozen=True)
class TargetGroup:
    group_id: int
    address: Address
    unit_code: str


@dataclass(frozen=True)
class DeliveryJob:
    id: int
    bulletin_id: int
    group_id: int
    address: Address
    dispatch_id: int
    status: str
    attempts: int


@dataclass(frozen=True)
class Dispatch:
    id: int
    kind: str
    unit_code: str
    requested_by: Address | None


@dataclass(frozen=True)
class DeliveryLine:
    bulletin_id: int
    group_title: str
    status: str
    last_error: str | None
    channel: str = "telegram"  # of the group's address: "sms" for an SMS subscriber


async def active_groups(conn: AsyncConnection, unit_codes: Collection[str]) -> list[TargetGroup]:
    """Where a unit's bulletins go: its active groups and its SMS subscribers' recipient rows
    (``storage.sms_subscribers``), each one delivery row per bulletin and round."""
    rows = await conn.execute(
        select(groups.c.id, groups.c.address, units.c.code)
        .select_from(groups.join(units, groups.c.unit_id == units.c.id))
        .where(groups.c.status.in_((ACTIVE, SMS_RECIPIENT)),
               units.c.code_key.in_([c.upper() for c in unit_codes]))
        .order_by(groups.c.id))
    return [TargetGroup(r.id, r.address, r.code) for r in rows]


async def units_with_active_groups(conn: AsyncConnection,
                                   unit_codes: Collection[str]) -> list[str]:
    """Which of these units have somewhere for their bulletins to go (as :func:`active_groups`),
    without reading the groups: a province has 100,000 of them."""
    rows = await conn.execute(
        select(units.c.code).distinct()
        .select_from(groups.join(units, groups.c.unit_id == units.c.id))
        .where(groups.c.status.in_((ACTIVE, SMS_RECIPIENT)),
               units.c.code_key.in_([c.upper() for c in unit_codes])))
    return sorted(rows.scalars())


async def count_active_groups(conn: AsyncConnection, unit_codes: Collection[str],
                              channel: str) -> int:
    """How many active groups of one channel (``telegram``) the units have: what a direct send
    would reach there, counted without reading the groups."""
    return (await conn.execute(
        select(func.count())
        .select_from(groups.join(units, groups.c.unit_id == units.c.id))
        .where(groups.c.status == ACTIVE,
               cast(groups.c.address, String).like(f"{channel}:%"),
               units.c.code_key.in_([c.upper() for c in unit_codes])))).scalar_one()


async def insert_dispatch(conn: AsyncConnection, *, kind: str, unit_code: str,
                          requested_by: Address | None, now: datetime) -> int:
    unit_id = await unit_id_of(conn, unit_code)
    result = await conn.execute(dispatches.insert().values(
        kind=kind, unit_id=unit_id, requested_by=requested_by, created_at=now))
    return result.inserted_primary_key[0]


async def find_dispatch(conn: AsyncConnection, dispatch_id: int) -> Dispatch | None:
    row = (await conn.execute(
        select(dispatches.c.id, dispatches.c.kind, units.c.code, dispatches.c.requested_by)
        .select_from(dispatches.join(units, dispatches.c.unit_id == units.c.id))
        .where(dispatches.c.id == dispatch_id))).first()
    return Dispatch(row.id, row.kind, row.code, row.requested_by) if row else None


async def plan_deliveries(conn: AsyncConnection, dispatch_id: int,
                          pairs: Sequence[tuple[int, int]], now: datetime) -> list[int]:
    """One pending row per (bulletin id, group id); the unique constraint refuses a second."""
    if not pairs:
        return []
    await conn.execute(deliveries.insert(), [
        {"bulletin_id": b, "group_id": g, "dispatch_id": dispatch_id, "status": PENDING,
         "silent": False, "attempts": 0, "created_at": now, "updated_at": now}
        for b, g in pairs])
    rows = await conn.execute(select(deliveries.c.id)
                              .where(deliveries.c.dispatch_id == dispatch_id)
                              .order_by(deliveries.c.id))
    return [r.id for r in rows]


async def plan_unit_deliveries(conn: AsyncConnection, dispatch_id: int, bulletin_id: int,
                               unit_codes: Collection[str], now: datetime) -> tuple[list[int], int]:
    """A pending row of the bulletin for each of :func:`active_groups`, written by the database
    itself (``INSERT … SELECT``: an alert to a province's 100,000 groups never holds them in
    memory). Returns the new rows' ids in group order, and how many go to SMS subscribers."""
    def value(column_name: str, given: object) -> ColumnElement[object]:
        return literal(given, deliveries.c[column_name].type)

    targets = (
        select(value("bulletin_id", bulletin_id), groups.c.id, value("dispatch_id", dispatch_id),
               value("status", PENDING), value("silent", False), value("attempts", 0),
               value("created_at", now), value("updated_at", now))
        .select_from(groups.join(units, groups.c.unit_id == units.c.id))
        .where(groups.c.status.in_((ACTIVE, SMS_RECIPIENT)),
               units.c.code_key.in_([c.upper() for c in unit_codes]))
        .order_by(groups.c.id))
    await conn.execute(deliveries.insert().from_select(
        ["bulletin_id", "group_id", "dispatch_id", "status", "silent", "attempts", "created_at",
         "updated_at"], targets))
    ids = await conn.execute(select(deliveries.c.id).where(deliveries.c.dispatch_id == dispatch_id)
                             .order_by(deliveries.c.id))
    sms = await conn.execute(
        select(func.count()).select_from(deliveries.join(groups,
                                                         deliveries.c.group_id == groups.c.id))
        .where(deliveries.c.dispatch_id == dispatch_id, groups.c.status == SMS_RECIPIENT))
    return list(ids.scalars()), int(sms.scalar_one())


async def load_job(conn: AsyncConnection, delivery_id: int) -> DeliveryJob | None:
    row = (await conn.execute(
        select(deliveries.c.id, deliveries.c.bulletin_id, deliveries.c.group_id,
               groups.c.address, deliveries.c.dispatch_id, deliveries.c.status,
               deliveries.c.attempts)
        .select_from(deliveries.join(groups, deliveries.c.group_id == groups.c.id))
        .where(deliveries.c.id == delivery_id))).first()
    if row is None:
        return None
    return DeliveryJob(row.id, row.bulletin_id, row.group_id, row.address, row.dispatch_id,
                       row.status, row.attempts)


async def _move(conn: AsyncConnection, delivery_id: int, from_states: Collection[str],
                *conditions: ColumnElement[bool] | TextClause, **values: object) -> bool:
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id, deliveries.c.status.in_(list(from_states)),
               *conditions)
        .values(**values))
    return result.rowcount == 1


async def claim_for_sending(conn: AsyncConnection, delivery_id: int, *, silent: bool,
                            now: datetime) -> bool:
    """pending -> sending. False when the row is not pending (another worker, or it is done),
    or when this process is a leader that no longer holds the leader lock (SPEC §14)."""
    return await _move(conn, delivery_id, (PENDING,), *leader_fence(), status=SENDING,
                       silent=silent, attempts=deliveries.c.attempts + 1, updated_at=now)


async def mark_sent(conn: AsyncConnection, delivery_id: int, message_id: int,
                    now: datetime) -> None:
    if await _move(conn, delivery_id, (SENDING,), status=SENT, message_id=message_id,
                   last_error=None, sent_at=now, updated_at=now):
        await stats_rollup.delivery_sent(conn, delivery_id, now)


async def mark_failed(conn: AsyncConnection, delivery_id: int, reason: str,
                      now: datetime) -> None:
    if await _move(conn, delivery_id, (SENDING, PENDING), status=FAILED,
                   last_error=reason[:500], updated_at=now):
        await stats_rollup.delivery_failed(conn, delivery_id, now)


async def mark_uncertain(conn: AsyncConnection, delivery_id: int, reason: str,
                         now: datetime) -> None:
    await _move(conn, delivery_id, (SENDING,), status=UNCERTAIN, last_error=reason[:500],
                updated_at=now)


async def give_up(conn: AsyncConnection, delivery_id: int, *, uncertain: bool, reason: str,
                  now: datetime) -> None:
    """An unexpected error stopped this row: close it (uncertain when a request may have left)
    instead of leaving it open until the next restart."""
    if await _move(conn, delivery_id, OPEN_STATES, status=UNCERTAIN if uncertain else FAILED,
                   last_error=reason[:500], updated_at=now) and not uncertain:
        await stats_rollup.delivery_failed(conn, delivery_id, now)


async def back_to_pending(conn: AsyncConnection, delivery_id: int, reason: str,
                          now: datetime) -> None:
    """The request certainly did not deliver (429, an error answer): it may be tried again.
    A row still ``pending`` (its channel's step before the claim failed: a Zalo OA upload,
    ``broadcasts.delivery_preparing``) stays so, and says why it waits all the same."""
    await _move(conn, delivery_id, OPEN_STATES, status=PENDING, last_error=reason[:500],
                updated_at=now)


async def dispatch_lines(conn: AsyncConnection, dispatch_id: int) -> list[DeliveryLine]:
    rows = await conn.execute(
        select(deliveries.c.bulletin_id, groups.c.title, deliveries.c.status,
               deliveries.c.last_error, groups.c.address)
        .select_from(deliveries.join(groups, deliveries.c.group_id == groups.c.id))
        .where(deliveries.c.dispatch_id == dispatch_id).order_by(deliveries.c.id))
    return [DeliveryLine(r.bulletin_id, r.title, r.status, r.last_error, r.address.channel)
            for r in rows]


async def open_count(conn: AsyncConnection, dispatch_id: int) -> int:
    return (await conn.execute(select(func.count()).where(
        deliveries.c.dispatch_id == dispatch_id,
        deliveries.c.status.in_(OPEN_STATES)))).scalar_one()


async def summary_due(conn: AsyncConnection, dispatch_id: int) -> bool:
    """Every row is settled and the summary has not reached the sender yet."""
    sent_at = (await conn.execute(select(dispatches.c.summary_sent_at)
                                  .where(dispatches.c.id == dispatch_id))).first()
    return (sent_at is not None and sent_at[0] is None
            and await open_count(conn, dispatch_id) == 0)


async def mark_summary_sent(conn: AsyncConnection, dispatch_id: int, now: datetime) -> bool:
    """Written after the summary went out: a crash before this sends it again at start-up
    (at most one repeat), never loses it."""
    result = await conn.execute(
        update(dispatches)
        .where(dispatches.c.id == dispatch_id, dispatches.c.summary_sent_at.is_(None))
        .values(summary_sent_at=now))
    return result.rowcount == 1


async def summaries_owed(conn: AsyncConnection) -> list[int]:
    """Start-up: dispatches whose rows are all settled but whose summary never went out."""
    has_rows = exists().where(deliveries.c.dispatch_id == dispatches.c.id)
    has_open = exists().where(deliveries.c.dispatch_id == dispatches.c.id,
                              deliveries.c.status.in_(OPEN_STATES))
    rows = await conn.execute(select(dispatches.c.id).where(
        dispatches.c.summary_sent_at.is_(None), has_rows, ~has_open).order_by(dispatches.c.id))
    return [r.id for r in rows]


async def delivered_message(conn: AsyncConnection, bulletin_id: int,
                            address: Address) -> tuple[int, int | None] | None:
    """(group id, message id) of a bulletin's copy in a group, for the acknowledgement button."""
    row = (await conn.execute(
        select(groups.c.id, deliveries.c.message_id)
        .select_from(deliveries.join(groups, deliveries.c.group_id == groups.c.id))
        # A press proves the copy reached the chat, even when its row is not marked sent yet
        # (a member can press between Telegram's answer and that commit) or was left uncertain.
        .where(deliveries.c.bulletin_id == bulletin_id, groups.c.address == address,
               deliveries.c.status.in_((SENT, SENDING, UNCERTAIN)))
        .order_by(deliveries.c.round.desc()).limit(1))).first()
    return (row.id, row.message_id) if row else None


async def reopen_summary(conn: AsyncConnection, dispatch_id: int) -> None:
    await conn.execute(update(dispatches).where(dispatches.c.id == dispatch_id)
                       .values(summary_sent_at=None))
