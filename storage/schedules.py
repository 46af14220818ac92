"""Per-unit bulletin schedules set in chat, and the record of slots that have run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.conflict_insert import conflict_insert
from storage.schema import slot_runs, unit_schedules, units
from storage.units import unit_id_of

BULLETIN_SLOT, COMPLIANCE_CHECK = "bulletin", "compliance"


async def unit_schedule_overrides(conn: AsyncConnection) -> dict[str, tuple[str, datetime]]:
    """(spec text, when it was set) by unit code, for units whose schedule was set in chat."""
    rows = await conn.execute(
        select(units.c.code, unit_schedules.c.spec, unit_schedules.c.set_at)
        .select_from(unit_schedules.join(units, unit_schedules.c.unit_id == units.c.id)))
    return {r.code: (r.spec, r.set_at) for r in rows}


async def set_unit_schedule(conn: AsyncConnection, unit_code: str, spec: str | None,
                            set_by: Address, now: datetime) -> None:
    """Store a unit's own schedule; ``None`` goes back to the configured default."""
    unit_id = await unit_id_of(conn, unit_code)
    await conn.execute(delete(unit_schedules).where(unit_schedules.c.unit_id == unit_id))
    if spec is not None:
        await conn.execute(unit_schedules.insert().values(
            unit_id=unit_id, spec=spec, set_by=set_by, set_at=now))


async def claim_slot(conn: AsyncConnection, unit_code: str, purpose: str, slot_at: datetime,
                     now: datetime) -> bool:
    """True for the first caller only: a slot runs once, however often it is looked at.

    An insert that ignores a conflict, not a savepoint: on SQLite a savepoint opened as the
    first write of a transaction commits on release, and a crash before the plan is written
    would then leave the slot marked as run with nothing sent. This stays in the caller's
    transaction, so the claim and the plan commit together or not at all.
    """
    unit_id = await unit_id_of(conn, unit_code)
    result = await conn.execute(conflict_insert(conn, slot_runs).on_conflict_do_nothing().values(
        unit_id=unit_id, purpose=purpose, slot_at=slot_at, ran_at=now))
    return result.rowcount == 1


async def last_slot_run(conn: AsyncConnection, unit_code: str, purpose: str) -> datetime | None:
    unit_id = await unit_id_of(conn, unit_code)
    return (await conn.execute(select(func.max(slot_runs.c.slot_at)).where(
        slot_runs.c.unit_id == unit_id, slot_runs.c.purpose == purpose))).scalar()


async def slot_has_run(conn: AsyncConnection, unit_code: str, purpose: str,
                       slot_at: datetime) -> bool:
    unit_id = await unit_id_of(conn, unit_code)
    row = (await conn.execute(select(slot_runs.c.id).where(
        slot_runs.c.unit_id == unit_id, slot_runs.c.purpose == purpose,
        slot_runs.c.slot_at == slot_at))).first()
    return row is not None
