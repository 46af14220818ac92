"""What the bot keeps per anonymous sender, keyed by pseudonym: the half-written tip (so it
survives a restart), the unit they chose last time, and blocks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, delete, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.prepared import prepared
from storage.schema import UTCDateTime
from storage.tip_records import TipItem
from storage.tips_tables import sender_blocks, tip_drafts, tips, tipster_units


@dataclass(frozen=True)
class DraftRecord:
    step: str
    unit_code: str | None
    category: str | None
    bulletin_id: int | None
    items: tuple[TipItem, ...]


@dataclass(frozen=True)
class Standing:
    """What filing a tip needs to know about its sender, read in one query."""

    remembered_unit: str | None
    blocked: bool
    tips_since_hour: int
    tips_since_day: int
    has_draft: bool


def _tips_since(since: str) -> Select[tuple[int]]:
    return select(func.count()).where(tips.c.sender == bindparam("sender"),
                                      tips.c.created_at >= bindparam(since, type_=UTCDateTime()))


# One round trip instead of five (each statement costs trips to the database thread, and filing
# is what a resident waits on). Built once: SQLAlchemy then reuses its compiled form.
_STANDING = prepared(select(
    select(tipster_units.c.unit_code).where(tipster_units.c.sender == bindparam("sender"))
    .scalar_subquery().label("unit_code"),
    exists().where(sender_blocks.c.sender == bindparam("sender"),
                   sender_blocks.c.until > bindparam("now", type_=UTCDateTime()))
    .label("blocked"),
    _tips_since("hour_ago").scalar_subquery().label("per_hour"),
    _tips_since("day_ago").scalar_subquery().label("per_day"),
    exists().where(tip_drafts.c.sender == bindparam("sender")).label("has_draft"),
))


async def standing_of(conn: AsyncConnection, sender: str, *, now: datetime,
                      hour_ago: datetime, day_ago: datetime) -> Standing:
    row = (await conn.execute(_STANDING, {"sender": sender, "now": now, "hour_ago": hour_ago,
                                          "day_ago": day_ago})).one()
    return Standing(row.unit_code, bool(row.blocked), row.per_hour, row.per_day,
                    bool(row.has_draft))


async def recent_tip_times(conn: AsyncConnection, sender: str, *, since: datetime,
                           limit: int) -> list[datetime]:
    """When this sender's latest tips (at most ``limit``, since ``since``) were filed, newest
    first: what tells a sender over a limit when they may send again. Read only on a refusal."""
    rows = await conn.execute(select(tips.c.created_at)
                              .where(tips.c.sender == sender, tips.c.created_at >= since)
                              .order_by(tips.c.created_at.desc()).limit(limit))
    return [row.created_at for row in rows]


async def latest_tip_code(conn: AsyncConnection, sender: str) -> str | None:
    """The code of this sender's most recent tip ("is this your own tip", SPEC §3.3)."""
    return (await conn.execute(select(tips.c.code).where(tips.c.sender == sender)
                               .order_by(tips.c.created_at.desc(), tips.c.id.desc())
                               .limit(1))).scalar()


# Each step of the guided flow reads and writes the draft, and the first tip remembers the unit:
# built once, run straight on the inline SQLite connection (storage/prepared.py).
_LOAD_DRAFT = prepared(select(tip_drafts).where(tip_drafts.c.sender == bindparam("sender")))
_UPDATE_DRAFT = prepared(text(
    "UPDATE tip_drafts SET step = :step, unit_code = :unit_code, category = :category,"
    " bulletin_id = :bulletin_id, updated_at = :updated_at, items = :items"
    " WHERE sender = :sender").bindparams(bindparam("updated_at", type_=UTCDateTime())))
_INSERT_DRAFT = prepared(text(
    "INSERT INTO tip_drafts (sender, step, unit_code, category, bulletin_id, updated_at, items)"
    " VALUES (:sender, :step, :unit_code, :category, :bulletin_id, :updated_at, :items)"
).bindparams(bindparam("updated_at", type_=UTCDateTime())))
_UPDATE_UNIT = prepared(text(
    "UPDATE tipster_units SET unit_code = :unit_code, updated_at = :updated_at"
    " WHERE sender = :sender").bindparams(bindparam("updated_at", type_=UTCDateTime())))
_INSERT_UNIT = prepared(text(
    "INSERT INTO tipster_units (sender, unit_code, updated_at)"
    " VALUES (:sender, :unit_code, :updated_at)"
).bindparams(bindparam("updated_at", type_=UTCDateTime())))


async def load_draft(conn: AsyncConnection, sender: str) -> DraftRecord | None:
    row = (await conn.execute(_LOAD_DRAFT, {"sender": sender})).first()
    if row is None:
        return None
    items = tuple(TipItem.from_json(i) for i in json.loads(row.items))
    return DraftRecord(row.step, row.unit_code, row.category, row.bulletin_id, items)


async def save_draft(conn: AsyncConnection, sender: str, draft: DraftRecord,
                     now: datetime) -> None:
    values = {"sender": sender, "step": draft.step, "unit_code": draft.unit_code,
              "category": draft.category, "bulletin_id": draft.bulletin_id, "updated_at": now,
              "items": json.dumps([i.to_json() for i in draft.items], ensure_ascii=False)}
    changed = await conn.execute(_UPDATE_DRAFT, values)
    if changed.rowcount == 0:
        await conn.execute(_INSERT_DRAFT, values)


async def delete_draft(conn: AsyncConnection, sender: str) -> bool:
    result = await conn.execute(delete(tip_drafts).where(tip_drafts.c.sender == sender))
    return result.rowcount > 0


async def delete_drafts_untouched_since(conn: AsyncConnection, before: datetime) -> int:
    result = await conn.execute(delete(tip_drafts).where(tip_drafts.c.updated_at < before))
    return result.rowcount


async def remembered_unit(conn: AsyncConnection, sender: str) -> str | None:
    return (await conn.execute(select(tipster_units.c.unit_code)
                               .where(tipster_units.c.sender == sender))).scalar()


async def remember_unit(conn: AsyncConnection, sender: str, unit_code: str,
                        now: datetime) -> None:
    values = {"sender": sender, "unit_code": unit_code, "updated_at": now}
    changed = await conn.execute(_UPDATE_UNIT, values)
    if changed.rowcount == 0:
        await conn.execute(_INSERT_UNIT, values)


async def block_sender(conn: AsyncConnection, sender: str, until: datetime, tip_id: int,
                       blocked_by: Address, now: datetime) -> None:
    await conn.execute(sender_blocks.insert().values(
        sender=sender, until=until, tip_id=tip_id, blocked_by=blocked_by, created_at=now))


async def blocked_until(conn: AsyncConnection, sender: str, now: datetime) -> datetime | None:
    return (await conn.execute(select(func.max(sender_blocks.c.until)).where(
        sender_blocks.c.sender == sender, sender_blocks.c.until > now))).scalar()
