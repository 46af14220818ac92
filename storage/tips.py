"""Tips, their parts and their follow-up thread."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, ColumnElement, Integer, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage import stats_rollup
from storage.outbox import OutboxRow, forget_relay_links_of
from storage.prepared import prepared
from storage.schema import UTCDateTime, units
from storage.tip_records import Assessment, Delivery, Direction, ThreadEntry, Tip, TipItem, TipState
from storage.tips_tables import tip_items, tip_thread, tips

_SELECT = select(
    tips.c.id, tips.c.code, units.c.code.label("unit_code"), tips.c.category, tips.c.sender,
    tips.c.assessment, tips.c.state, tips.c.created_at, tips.c.bulletin_id, tips.c.closed_at,
    tips.c.case_id,
).select_from(tips.join(units, tips.c.unit_id == units.c.id))


def _tip(row) -> Tip:  # noqa: ANN001
    return Tip(row.id, row.code, row.unit_code, row.category, row.sender,
               Assessment(row.assessment), TipState(row.state), row.created_at, row.bulletin_id,
               row.closed_at, row.case_id)


# For storage.cases, which reads tips the same way.
TIP_SELECT = _SELECT
tip_from_row = _tip


# Spelled out rather than built with the dialects' ``insert().on_conflict_do_nothing()``:
# SQLAlchemy cannot cache that construct and compiled it anew for every tip (about 1.4 ms, the
# largest single cost of filing). This text is cached, and both SQLite (3.35+) and PostgreSQL
# take it as it is. The unique index on ``code`` decides in the same statement: no "is it
# free?" query first, and no error, which would end the transaction on PostgreSQL.
_INSERT_TIP = prepared(text(
    "INSERT INTO tips (code, unit_id, category, sender, channel, bulletin_id, assessment, state,"
    " created_at, relay_link, staff_notified)"
    " VALUES (:code, (SELECT units.id FROM units WHERE units.code_key = :unit_key), :category,"
    " :sender, :channel, :bulletin_id, :assessment, :state, :created_at, :relay_link,"
    " :staff_notified)"
    " ON CONFLICT (code) DO NOTHING RETURNING id, unit_id"
).bindparams(bindparam("created_at", type_=UTCDateTime()),
             bindparam("staff_notified", type_=Boolean())).columns(id=Integer, unit_id=Integer))

_INSERT_ITEMS = prepared(text(
    "INSERT INTO tip_items (tip_id, position, kind, text, file_id)"
    " VALUES (:tip_id, :position, :kind, :text, :file_id)"))

# Spelled as the partial index's condition (see tips_awaiting_staff_notices).
_CLAIM_STAFF_NOTICES = prepared(text(
    "UPDATE tips SET staff_notified = :claimed WHERE id = :tip_id AND NOT staff_notified"
).bindparams(bindparam("claimed", type_=Boolean())))


async def insert_tip(conn: AsyncConnection, *, code: str, unit_code: str, category: str,
                     sender: str, bulletin_id: int | None, relay_link: str,
                     items: Sequence[TipItem], now: datetime,
                     channel: str = stats_rollup.TELEGRAM) -> int | None:
    """The new tip's id, or None when ``code`` is already taken (the caller draws another).
    ``channel`` is the channel the tip came in on (the reports count tips by channel).

    The unit id is looked up inside the statement: an unknown unit breaks the NOT NULL of
    ``unit_id`` (callers file only units of the tree).
    """
    result = await conn.execute(_INSERT_TIP, {
        "code": code, "unit_key": unit_code.upper(), "category": category, "sender": sender,
        "channel": channel, "bulletin_id": bulletin_id, "assessment": Assessment.UNASSESSED.value,
        "state": TipState.OPEN.value, "created_at": now, "relay_link": relay_link,
        "staff_notified": False})
    inserted = result.first()
    if inserted is None:
        return None
    tip_id: int = inserted.id
    await stats_rollup.tip_filed(conn, inserted.unit_id, now, category,
                                 Assessment.UNASSESSED.value, TipState.OPEN.value, channel)
    if items:
        await conn.execute(_INSERT_ITEMS, [
            {"tip_id": tip_id, "position": n, "kind": item.kind.value, "text": item.text,
             "file_id": item.file_id} for n, item in enumerate(items)])
    return tip_id


async def tips_awaiting_staff_notices(conn: AsyncConnection) -> list[int]:
    """Tips filed whose staff notices were never queued (a crash right after the receipt)."""
    # Spelled as the partial index's condition, so both databases read only that index.
    rows = await conn.execute(select(tips.c.id).where(text("NOT staff_notified"))
                              .order_by(tips.c.id))
    return [row.id for row in rows]


async def claim_staff_notices(conn: AsyncConnection, tip_id: int) -> bool:
    """True once per tip: whoever gets it queues the notices, in the same transaction."""
    result = await conn.execute(_CLAIM_STAFF_NOTICES, {"claimed": True, "tip_id": tip_id})
    return result.rowcount > 0


async def find_tip(conn: AsyncConnection, code: str) -> Tip | None:
    row = (await conn.execute(_SELECT.where(tips.c.code == code))).first()
    return _tip(row) if row else None


# Read for every tip's staff notices and similar-tips check: built once (storage/prepared.py).
_TIP_BY_ID = prepared(_SELECT.where(tips.c.id == bindparam("tip_id")))
_ITEMS_OF = prepared(select(tip_items.c.kind, tip_items.c.text, tip_items.c.file_id)
                     .where(tip_items.c.tip_id == bindparam("tip_id"))
                     .order_by(tip_items.c.position))


async def find_tip_by_id(conn: AsyncConnection, tip_id: int) -> Tip | None:
    row = (await conn.execute(_TIP_BY_ID, {"tip_id": tip_id})).first()
    return _tip(row) if row else None


async def tip_items_of(conn: AsyncConnection, tip_id: int) -> list[TipItem]:
    rows = await conn.execute(_ITEMS_OF, {"tip_id": tip_id})
    return [TipItem.from_json({"kind": r.kind, "text": r.text, "file_id": r.file_id})
            for r in rows]


async def relay_link_of(conn: AsyncConnection, tip_id: int) -> str | None:
    return (await conn.execute(select(tips.c.relay_link).where(tips.c.id == tip_id))).scalar()


def _relay_expired(now: datetime) -> ColumnElement[bool]:
    return tips.c.relay_expires_at <= now


async def live_relay_link_of(conn: AsyncConnection, tip_id: int, now: datetime) -> str | None:
    """The sealed link, unless the follow-up window is over (SPEC §12: from
    ``closed_at + tips.followup_days`` nothing relays, whether or not the purge has run)."""
    return (await conn.execute(select(tips.c.relay_link).where(
        tips.c.id == tip_id, ~_relay_expired(now) | tips.c.relay_expires_at.is_(None)))).scalar()


async def tips_in_units(conn: AsyncConnection, unit_codes: Collection[str], *,
                        assessment: Assessment | None = None, state: TipState | None = None,
                        offset: int = 0, limit: int = 10) -> tuple[list[Tip], int]:
    """Newest first, one page, and how many there are in all."""
    condition = units.c.code_key.in_([c.upper() for c in unit_codes])
    if assessment is not None:
        condition &= tips.c.assessment == assessment.value
    if state is not None:
        condition &= tips.c.state == state.value
    rows = await conn.execute(_SELECT.where(condition)
                              .order_by(tips.c.created_at.desc(), tips.c.id.desc())
                              .offset(offset).limit(limit))
    total = (await conn.execute(select(func.count()).select_from(
        tips.join(units, tips.c.unit_id == units.c.id)).where(condition))).scalar_one()
    return [_tip(r) for r in rows], total


async def set_assessment(conn: AsyncConnection, tip_id: int, assessment: Assessment,
                         now: datetime, *, was: Assessment) -> bool:
    """Change the assessment only if it still is ``was``; False when someone else changed it
    first (two officers pressing at once: only one of them changes it, and tells the tipster)."""
    changed = (await conn.execute(
        update(tips).where(tips.c.id == tip_id, tips.c.assessment == was.value)
        .values(assessment=assessment.value, assessed_at=now)
        .returning(tips.c.unit_id, tips.c.created_at, tips.c.state))).first()
    if changed is None:
        return False
    await stats_rollup.tip_changed(conn, changed.unit_id, changed.created_at,
                                   (was.value, changed.state), (assessment.value, changed.state))
    return True


async def close_tip(conn: AsyncConnection, tip_id: int, now: datetime,
                    relay_expires_at: datetime) -> bool:
    closed = (await conn.execute(
        update(tips).where(tips.c.id == tip_id, tips.c.state == TipState.OPEN.value)
        .values(state=TipState.CLOSED.value, closed_at=now, relay_expires_at=relay_expires_at)
        .returning(tips.c.unit_id, tips.c.created_at, tips.c.assessment))
    ).first()
    if closed is None:
        return False
    await stats_rollup.tip_changed(conn, closed.unit_id, closed.created_at,
                                   (closed.assessment, TipState.OPEN.value),
                                   (closed.assessment, TipState.CLOSED.value))
    return True


@dataclass(frozen=True)
class PurgedLinks:
    tips: int  # links deleted
    notices: list[OutboxRow]  # notices to those tipsters that will now never go


async def purge_expired_relay_links(conn: AsyncConnection, now: datetime) -> PurgedLinks:
    expired = select(tips.c.id).where(_relay_expired(now))
    notices = await forget_relay_links_of(conn, expired, Delivery.LINK_EXPIRED.value)
    await conn.execute(update(tip_thread).where(
        tip_thread.c.id.in_([n.thread_entry_id for n in notices if n.thread_entry_id]))
        .values(delivery=Delivery.LINK_EXPIRED.value))
    result = await conn.execute(
        update(tips).where(tips.c.relay_link.is_not(None), _relay_expired(now))
        .values(relay_link=None))
    return PurgedLinks(result.rowcount, notices)


async def any_tip_exists(conn: AsyncConnection) -> bool:
    return (await conn.execute(select(tips.c.id).limit(1))).first() is not None


async def add_thread_entry(conn: AsyncConnection, tip_id: int, direction: Direction, text: str,
                           staff_address: Address | None, now: datetime,
                           delivery: Delivery | None = None) -> int:
    result = await conn.execute(tip_thread.insert().values(
        tip_id=tip_id, at=now, direction=direction.value, text=text,
        staff_address=staff_address, delivery=delivery.value if delivery else None)
        .returning(tip_thread.c.id))
    return int(result.scalar_one())


async def set_delivery(conn: AsyncConnection, entry_id: int, delivery: Delivery) -> None:
    await conn.execute(update(tip_thread).where(tip_thread.c.id == entry_id)
                       .values(delivery=delivery.value))


@dataclass(frozen=True)
class Question:
    """Who asked a question, about which tip: to tell them it did not arrive."""

    code: str
    asked_by: Address | None


async def question_of(conn: AsyncConnection, entry_id: int) -> Question | None:
    row = (await conn.execute(
        select(tips.c.code, tip_thread.c.staff_address)
        .select_from(tip_thread.join(tips, tip_thread.c.tip_id == tips.c.id))
        .where(tip_thread.c.id == entry_id))).first()
    return Question(row.code, row.staff_address) if row else None


async def thread_of(conn: AsyncConnection, tip_id: int) -> list[ThreadEntry]:
    rows = await conn.execute(select(tip_thread).where(tip_thread.c.tip_id == tip_id)
                              .order_by(tip_thread.c.id))
    return [ThreadEntry(r.at, Direction(r.direction), r.text,
                        Delivery(r.delivery) if r.delivery else None) for r in rows]


async def followups_since(conn: AsyncConnection, sender: str, since: datetime,
                          limit: int) -> list[datetime]:
    """When the sender ``sender`` added to any of their tips since ``since``, oldest first (at
    most ``limit``): the follow-up limit counts by pseudonym, across tips."""
    rows = await conn.execute(
        select(tip_thread.c.at)
        .select_from(tip_thread.join(tips, tip_thread.c.tip_id == tips.c.id))
        .where(tips.c.sender == sender, tip_thread.c.direction == Direction.FROM_TIPSTER.value,
               tip_thread.c.at > since)
        .order_by(tip_thread.c.at).limit(limit))
    return [r.at for r in rows]
