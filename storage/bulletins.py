"""Bulletins: their content, approval state and place in the queue (SPEC §5)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.groups import ACTIVE
from storage.schema import bulletins, deliveries, groups, units
from storage.sms_subscribers import SMS_RECIPIENT
from storage.units import unit_id_of

DRAFT, QUEUED, DIRECT, REMOVED = "draft", "queued", "direct", "removed"


@dataclass(frozen=True)
class BulletinRecord:
    id: int
    unit_code: str
    topic: str
    body: str
    media_kind: str | None
    media_file_id: str | None
    status: str
    is_alert: bool
    queue_position: int
    created_by: Address
    created_at: datetime
    approved_by: Address | None
    sms_text: str | None = None  # the officer's SMS version (SPEC §13), when they wrote one


_SELECT = select(
    bulletins.c.id, units.c.code.label("unit_code"), bulletins.c.topic, bulletins.c.body,
    bulletins.c.media_kind, bulletins.c.media_file_id, bulletins.c.status, bulletins.c.is_alert,
    bulletins.c.queue_position, bulletins.c.created_by, bulletins.c.created_at,
    bulletins.c.approved_by, bulletins.c.sms_text,
).select_from(bulletins.join(units, bulletins.c.unit_id == units.c.id))


def _record(row) -> BulletinRecord:  # noqa: ANN001
    return BulletinRecord(row.id, row.unit_code, row.topic, row.body, row.media_kind,
                          row.media_file_id, row.status, row.is_alert, row.queue_position,
                          row.created_by, row.created_at, row.approved_by, row.sms_text)


async def insert_bulletin(conn: AsyncConnection, *, unit_code: str, topic: str, body: str,
                          media_kind: str | None, media_file_id: str | None, status: str,
                          is_alert: bool, created_by: Address, now: datetime,
                          sms_text: str | None = None) -> BulletinRecord:
    unit_id = await unit_id_of(conn, unit_code)
    last = (await conn.execute(select(func.max(bulletins.c.queue_position)))).scalar()
    approved = status != DRAFT
    result = await conn.execute(bulletins.insert().values(
        unit_id=unit_id, topic=topic, body=body, media_kind=media_kind,
        media_file_id=media_file_id, status=status, is_alert=is_alert,
        queue_position=(last or 0) + 1, created_by=created_by, created_at=now,
        approved_by=created_by if approved else None, approved_at=now if approved else None,
        sms_text=sms_text))
    found = await find_bulletin(conn, result.inserted_primary_key[0])
    assert found is not None
    return found


async def find_bulletin(conn: AsyncConnection, bulletin_id: int) -> BulletinRecord | None:
    row = (await conn.execute(_SELECT.where(bulletins.c.id == bulletin_id))).first()
    return _record(row) if row else None


async def approve_bulletin(conn: AsyncConnection, bulletin_id: int, approver: Address,
                           now: datetime) -> bool:
    """Draft -> queued; False when it is no longer a draft (approved or removed meanwhile)."""
    result = await conn.execute(
        update(bulletins).where(bulletins.c.id == bulletin_id, bulletins.c.status == DRAFT)
        .values(status=QUEUED, approved_by=approver, approved_at=now))
    return result.rowcount == 1


async def remove_bulletin(conn: AsyncConnection, bulletin_id: int) -> bool:
    result = await conn.execute(
        update(bulletins)
        .where(bulletins.c.id == bulletin_id, bulletins.c.status.in_([DRAFT, QUEUED]))
        .values(status=REMOVED))
    return result.rowcount == 1


@dataclass(frozen=True)
class WaitingBulletin:
    bulletin: BulletinRecord
    # Active groups and SMS subscribers under the bulletin's unit that have not had it.
    groups_waiting: int
    sms_waiting: int = 0  # of those, SMS subscribers (officers read "người nhận SMS")


def _groups_waiting(sms_only: bool = False) -> ColumnElement[int]:
    """Per bulletin row: active groups and SMS subscribers of its unit's subtree with no
    delivery row for it (with ``sms_only``: the SMS subscribers).

    The subtree is a recursive walk down ``units.parent_id`` (standard SQL, the same on SQLite
    and PostgreSQL), so the count stays in the database however long the history grows.
    """
    below = select(units.c.id.label("top"), units.c.id.label("unit_id")).cte(
        "sms_unit_below" if sms_only else "unit_below", recursive=True)
    below = below.union_all(select(below.c.top, units.c.id)
                            .where(units.c.parent_id == below.c.unit_id))
    # Correlated two levels deep: the bulletin comes from the outer query, the group from the
    # count, so both are named explicitly.
    had_it = (select(deliveries.c.id)
              .where(deliveries.c.bulletin_id == bulletins.c.id,
                     deliveries.c.group_id == groups.c.id)
              .correlate_except(deliveries).exists())
    # SMS subscribers' recipient rows get the queue's bulletins as groups do (broadcasts.slots).
    receiving = (groups.c.status == SMS_RECIPIENT if sms_only
                 else groups.c.status.in_((ACTIVE, SMS_RECIPIENT)))
    return (select(func.count(groups.c.id))
            .select_from(groups.join(below, groups.c.unit_id == below.c.unit_id))
            .where(below.c.top == bulletins.c.unit_id, receiving, ~had_it)
            .correlate(bulletins).scalar_subquery())


def _still_waiting(waiting: ColumnElement[int]) -> ColumnElement[bool]:
    """Drafts; queued bulletins some active group has still to get; and queued bulletins that
    went nowhere yet (queued before any group was registered). A bulletin every group has had
    is history, not queue: listing it pushed new drafts out of the 20 lines after ~10 weeks."""
    sent_somewhere = exists().where(deliveries.c.bulletin_id == bulletins.c.id)
    return or_(bulletins.c.status == DRAFT,
               and_(bulletins.c.status == QUEUED, or_(waiting > 0, ~sent_somewhere)))


def _in_units(unit_codes: Collection[str]) -> ColumnElement[bool]:
    return units.c.code_key.in_([c.upper() for c in unit_codes])


async def move_up(conn: AsyncConnection, bulletin_id: int,
                  unit_codes: Collection[str]) -> bool:
    """Swap places with the bulletin just ahead of it among the waiting ones of ``unit_codes``
    (the ones /queue lists: a bulletin every group has had is not in the way)."""
    current = await find_bulletin(conn, bulletin_id)
    if current is None or current.status not in (DRAFT, QUEUED):
        return False
    ahead = (await conn.execute(
        select(bulletins.c.id, bulletins.c.queue_position)
        .select_from(bulletins.join(units, bulletins.c.unit_id == units.c.id))
        .where(_still_waiting(_groups_waiting()),
               bulletins.c.queue_position < current.queue_position, _in_units(unit_codes))
        .order_by(bulletins.c.queue_position.desc()).limit(1))).first()
    if ahead is None:
        return False
    await conn.execute(update(bulletins).where(bulletins.c.id == ahead.id)
                       .values(queue_position=current.queue_position))
    await conn.execute(update(bulletins).where(bulletins.c.id == current.id)
                       .values(queue_position=ahead.queue_position))
    return True


async def waiting_bulletins(conn: AsyncConnection, unit_codes: Collection[str],
                            limit: int) -> list[WaitingBulletin]:
    """Drafts and queued bulletins of ``unit_codes`` still waiting for a group, in queue order,
    each with the number of groups still waiting for it."""
    waiting = _groups_waiting()
    rows = await conn.execute(
        _SELECT.add_columns(waiting.label("groups_waiting"),
                            _groups_waiting(sms_only=True).label("sms_waiting"))
        .where(_still_waiting(waiting), _in_units(unit_codes))
        .order_by(bulletins.c.queue_position).limit(limit))
    return [WaitingBulletin(_record(r), r.groups_waiting, r.sms_waiting) for r in rows]


async def queued_bulletin_ids(conn: AsyncConnection, unit_codes: Collection[str]) -> list[int]:
    """The queued bulletins of ``unit_codes``, in the order :func:`next_bulletin_for_group`
    takes them."""
    rows = await conn.execute(
        select(bulletins.c.id)
        .select_from(bulletins.join(units, bulletins.c.unit_id == units.c.id))
        .where(bulletins.c.status == QUEUED,
               units.c.code_key.in_([c.upper() for c in unit_codes]))
        .order_by(bulletins.c.queue_position, bulletins.c.id))
    return list(rows.scalars())


async def groups_that_had(conn: AsyncConnection, bulletin_id: int) -> set[int]:
    """The groups with a delivery row for the bulletin, whatever its status."""
    rows = await conn.execute(select(deliveries.c.group_id)
                              .where(deliveries.c.bulletin_id == bulletin_id))
    return set(rows.scalars())


async def next_bulletin_for_group(conn: AsyncConnection, group_id: int,
                                  unit_codes: Collection[str]) -> int | None:
    """The first queued bulletin of ``unit_codes`` (the group's unit and its ancestors) that has
    no delivery row for this group: whatever its status, a row means "this group had it"."""
    had_it = exists().where(and_(deliveries.c.bulletin_id == bulletins.c.id,
                                 deliveries.c.group_id == group_id))
    row = (await conn.execute(
        select(bulletins.c.id)
        .select_from(bulletins.join(units, bulletins.c.unit_id == units.c.id))
        .where(bulletins.c.status == QUEUED, ~had_it,
               units.c.code_key.in_([c.upper() for c in unit_codes]))
        .order_by(bulletins.c.queue_position, bulletins.c.id).limit(1))).first()
    return row.id if row else None
