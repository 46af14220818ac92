"""Staff rows: declared in config (synced at start-up) or added by an admin in chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.org_records import Role, StaffMember
from storage.schema import staff, units
from storage.units import unit_id_of

_SELECT = select(staff.c.address, staff.c.role, staff.c.source, units.c.code,
                 staff.c.zalo_user_id).select_from(
    staff.join(units, staff.c.unit_id == units.c.id)
)


def _member(row) -> StaffMember:  # noqa: ANN001
    return StaffMember(row.address, Role(row.role), row.code, row.source == "config",
                       row.zalo_user_id)


async def find_staff(conn: AsyncConnection, address: Address) -> StaffMember | None:
    row = (await conn.execute(_SELECT.where(staff.c.address == address))).first()
    return _member(row) if row else None


async def list_staff(conn: AsyncConnection) -> list[StaffMember]:
    rows = await conn.execute(_SELECT.order_by(units.c.code, staff.c.role))
    members = [_member(r) for r in rows]
    # Within a unit and role, by address as Python orders them (ids as numbers,
    # Address.sort_key), which the database's text order would not.
    rank: dict[tuple[str, Role], int] = {}
    for member in members:
        rank.setdefault((member.unit_code, member.role), len(rank))
    return sorted(members, key=lambda m: (rank[(m.unit_code, m.role)], m.address.sort_key()))


async def upsert_staff(conn: AsyncConnection, member: StaffMember, *, added_by: Address | None,
                       now: datetime) -> None:
    unit_id = await unit_id_of(conn, member.unit_code)
    source = "config" if member.from_config else "chat"
    values = {"role": member.role.value, "unit_id": unit_id, "source": source,
              "zalo_user_id": member.zalo_user_id}
    changed = await conn.execute(
        update(staff).where(staff.c.address == member.address).values(**values)
    )
    if changed.rowcount == 0:
        await conn.execute(staff.insert().values(
            address=member.address, added_by=added_by, added_at=now, **values))


async def set_zalo_user_id(conn: AsyncConnection, address: Address,
                           zalo_user_id: str | None) -> None:
    await conn.execute(update(staff).where(staff.c.address == address)
                       .values(zalo_user_id=zalo_user_id))


async def delete_staff(conn: AsyncConnection, address: Address) -> bool:
    result = await conn.execute(delete(staff).where(staff.c.address == address))
    return result.rowcount > 0


async def sync_config_staff(conn: AsyncConnection, declared: Sequence[StaffMember],
                            now: datetime) -> int:
    """Make the config's staff list true in the database; returns how many staff added in
    chat lost their Zalo id to the file.

    A person dropped from the file loses the role they had from the file; people added in chat
    keep theirs (an admin added them on purpose).
    """
    declared_addresses = {m.address for m in declared}
    await conn.execute(
        delete(staff).where(staff.c.source == "config", staff.c.address.not_in(declared_addresses))
    )
    # A Zalo id the file gives is the file's: whoever held it from chat loses it (the ids are
    # unique), and every config row's id is rewritten below, so clear those first too.
    declared_zalo_ids = [m.zalo_user_id for m in declared if m.zalo_user_id]
    await conn.execute(update(staff).where(staff.c.source == "config")
                       .values(zalo_user_id=None))
    taken_from_chat = 0
    if declared_zalo_ids:
        taken = await conn.execute(update(staff)
                                   .where(staff.c.zalo_user_id.in_(declared_zalo_ids))
                                   .values(zalo_user_id=None))
        taken_from_chat = taken.rowcount
    for member in declared:
        await upsert_staff(conn, member, added_by=None, now=now)
    return taken_from_chat
