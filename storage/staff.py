"""Staff rows: declared in config (synced at start-up) or added by an admin in chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.org_records import Role, StaffMember
from storage.schema import staff, units
from storage.units import unit_id_of

_SELECT = select(staff.c.telegram_id, staff.c.role, staff.c.source, units.c.code).select_from(
    staff.join(units, staff.c.unit_id == units.c.id)
)


def _member(row) -> StaffMember:  # noqa: ANN001
    return StaffMember(row.telegram_id, Role(row.role), row.code, row.source == "config")


async def find_staff(conn: AsyncConnection, telegram_id: int) -> StaffMember | None:
    row = (await conn.execute(_SELECT.where(staff.c.telegram_id == telegram_id))).first()
    return _member(row) if row else None


async def list_staff(conn: AsyncConnection) -> list[StaffMember]:
    rows = await conn.execute(_SELECT.order_by(units.c.code, staff.c.role, staff.c.telegram_id))
    return [_member(r) for r in rows]


async def upsert_staff(conn: AsyncConnection, member: StaffMember, *, added_by: int | None,
                       now: datetime) -> None:
    unit_id = await unit_id_of(conn, member.unit_code)
    source = "config" if member.from_config else "chat"
    values = {"role": member.role.value, "unit_id": unit_id, "source": source}
    changed = await conn.execute(
        update(staff).where(staff.c.telegram_id == member.telegram_id).values(**values)
    )
    if changed.rowcount == 0:
        await conn.execute(staff.insert().values(
            telegram_id=member.telegram_id, added_by=added_by, added_at=now, **values))


async def delete_staff(conn: AsyncConnection, telegram_id: int) -> bool:
    result = await conn.execute(delete(staff).where(staff.c.telegram_id == telegram_id))
    return result.rowcount > 0


async def sync_config_staff(conn: AsyncConnection, declared: Sequence[StaffMember],
                            now: datetime) -> None:
    """Make the config's staff list true in the database.

    A person dropped from the file loses the role they had from the file; people added in chat
    keep theirs (an admin added them on purpose).
    """
    declared_ids = {m.telegram_id for m in declared}
    await conn.execute(
        delete(staff).where(staff.c.source == "config", staff.c.telegram_id.not_in(declared_ids))
    )
    for member in declared:
        await upsert_staff(conn, member, added_by=None, now=now)
