"""Group chats the bot is in: linked unit, status, member counts (with history for reports)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage import stats_rollup
from storage.schema import deliveries, group_member_counts, groups, units
from storage.sms_subscribers import RECIPIENT_STATES
from storage.units import unit_id_of

SEEN, ACTIVE, INACTIVE = "seen", "active", "inactive"


@dataclass(frozen=True)
class GroupRecord:
    address: Address
    title: str
    unit_code: str | None
    status: str
    member_count: int | None
    member_count_at: datetime | None
    registered_at: datetime | None
    last_bulletin_at: datetime | None = None  # filled only by ``linked_groups`` (for /groups)


_SELECT = select(
    groups.c.address, groups.c.title, units.c.code.label("unit_code"), groups.c.status,
    groups.c.member_count, groups.c.member_count_at, groups.c.registered_at,
).select_from(groups.outerjoin(units, groups.c.unit_id == units.c.id))


def _record(row) -> GroupRecord:  # noqa: ANN001
    return GroupRecord(row.address, row.title, row.unit_code, row.status, row.member_count,
                       row.member_count_at, row.registered_at)


async def _group_id(conn: AsyncConnection, address: Address) -> int:
    return (await conn.execute(select(groups.c.id).where(groups.c.address == address))
            ).scalar_one()


async def find_group(conn: AsyncConnection, address: Address) -> GroupRecord | None:
    row = (await conn.execute(_SELECT.where(groups.c.address == address))).first()
    return _record(row) if row else None


async def note_group_seen(conn: AsyncConnection, address: Address, title: str,
                          now: datetime) -> GroupRecord:
    """The bot is (again) a member of this chat. A linked group becomes active again."""
    existing = await find_group(conn, address)
    if existing is None:
        await conn.execute(groups.insert().values(
            address=address, title=title, status=SEEN, created_at=now, updated_at=now))
    else:
        status = ACTIVE if existing.unit_code else SEEN
        group_id = await _group_id(conn, address)
        moves = status != existing.status
        if moves:  # a group coming back is judged against the weekly target again
            await stats_rollup.forget_group(conn, group_id)
        await conn.execute(update(groups).where(groups.c.address == address)
                           .values(title=title, status=status, updated_at=now))
        if moves:
            await stats_rollup.count_group(conn, group_id)
    found = await find_group(conn, address)
    assert found is not None
    return found


async def link_group(conn: AsyncConnection, address: Address, title: str, unit_code: str,
                     registered_by: Address, now: datetime) -> str | None:
    """Link the chat to a unit (making it active). Returns the unit it was linked to before."""
    previous = await note_group_seen(conn, address, title, now)
    unit_id = await unit_id_of(conn, unit_code)
    group_id = await _group_id(conn, address)
    await stats_rollup.forget_group(conn, group_id)
    await conn.execute(update(groups).where(groups.c.address == address).values(
        unit_id=unit_id, status=ACTIVE, registered_by=registered_by, registered_at=now,
        updated_at=now))
    await stats_rollup.count_group(conn, group_id)
    return previous.unit_code


async def mark_group_inactive(conn: AsyncConnection, address: Address, now: datetime) -> bool:
    group_id = (await conn.execute(select(groups.c.id).where(groups.c.address == address))
                ).scalar()
    if group_id is None:
        return False
    await stats_rollup.forget_group(conn, group_id)
    await conn.execute(update(groups).where(groups.c.id == group_id)
                       .values(status=INACTIVE, updated_at=now))
    await stats_rollup.count_group(conn, group_id)
    return True


async def follow_migration(conn: AsyncConnection, old_address: Address, new_address: Address,
                           now: datetime) -> bool:
    """A group moved to a new address (a Telegram group that became a supergroup): keep its
    link, history and status."""
    # The old group's service message, the new one's, and a member count answered "migrated"
    # can all follow the same migration at once: the row lock makes the later ones wait and
    # then find nothing left to move (SQLite's writers already take turns).
    old = (await conn.execute(select(groups.c.id).where(groups.c.address == old_address)
                              .with_for_update())).first()
    if old is None:
        return False
    new = (await conn.execute(select(groups.c.id).where(groups.c.address == new_address))).first()
    if new is not None:
        # The new supergroup was seen first (its service message can arrive before the old
        # group's); the old row carries the link and history, so it wins.
        await conn.execute(update(group_member_counts)
                           .where(group_member_counts.c.group_id == new.id)
                           .values(group_id=old.id))
        await stats_rollup.forget_group(conn, new.id)
        await conn.execute(delete(groups).where(groups.c.id == new.id))
        await _hold_newest_count(conn, old.id)
    await conn.execute(update(groups).where(groups.c.id == old.id)
                       .values(address=new_address, updated_at=now))
    return True


async def record_member_count(conn: AsyncConnection, address: Address, members: int,
                              now: datetime) -> None:
    row = (await conn.execute(select(groups.c.id).where(groups.c.address == address))).first()
    if row is None:
        return
    await conn.execute(group_member_counts.insert().values(
        group_id=row.id, members=members, counted_at=now))
    # The group row holds its newest count, which the statistics rely on
    # (storage.statistics.group_totals): a count stamped before it (a clock set back) stays
    # in the history only.
    await conn.execute(update(groups).where(
        groups.c.id == row.id,
        or_(groups.c.member_count_at.is_(None), groups.c.member_count_at <= now))
        .values(member_count=members, member_count_at=now, updated_at=now))


async def _hold_newest_count(conn: AsyncConnection, group_id: int) -> None:
    """After a merge of two histories: the group row holds the newest count of its own."""
    newest = (await conn.execute(
        select(group_member_counts.c.members, group_member_counts.c.counted_at)
        .where(group_member_counts.c.group_id == group_id)
        .order_by(group_member_counts.c.counted_at.desc(), group_member_counts.c.id.desc())
        .limit(1))).first()
    if newest is not None:
        await conn.execute(update(groups).where(groups.c.id == group_id).values(
            member_count=newest.members, member_count_at=newest.counted_at))


async def member_count_history(conn: AsyncConnection,
                               address: Address) -> list[tuple[datetime, int]]:
    rows = await conn.execute(
        select(group_member_counts.c.counted_at, group_member_counts.c.members)
        .select_from(group_member_counts.join(groups))
        .where(groups.c.address == address).order_by(group_member_counts.c.id))
    return [(r.counted_at, r.members) for r in rows]


async def linked_groups(conn: AsyncConnection,
                        unit_codes: Collection[str] | None = None) -> list[GroupRecord]:
    """Groups linked to a unit (any status), optionally only those of ``unit_codes``."""
    last_sent = (select(deliveries.c.group_id, func.max(deliveries.c.sent_at).label("at"))
                 .where(deliveries.c.status == "sent").group_by(deliveries.c.group_id)
                 .subquery())
    query = (_SELECT.add_columns(last_sent.c.at)
             .outerjoin(last_sent, last_sent.c.group_id == groups.c.id)
             .where(groups.c.unit_id.is_not(None),
                    groups.c.status.not_in(RECIPIENT_STATES)))  # SMS subscribers: /sms list
    if unit_codes is not None:
        query = query.where(units.c.code_key.in_([c.upper() for c in unit_codes]))
    rows = await conn.execute(query.order_by(units.c.code, groups.c.title))
    return [replace(_record(r), last_bulletin_at=r.at) for r in rows]


async def active_group_addresses(conn: AsyncConnection) -> list[Address]:
    rows = await conn.execute(select(groups.c.address).where(groups.c.status == ACTIVE))
    return [r.address for r in rows]
