"""Per-unit bulletin schedules set in chat, and the record of slots that have run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

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
                            set_by: int, now: datetime) -> None:
    """Store a unit's own schedule; ``None`` goes back to the configured default."""
    unit_id = await unit_id_of(conn, unit_code)
    await conn.execute(delete(unit_schedules).where(unit_schedules.c.unit_id == unit_id))
    if spec is not None:
        await conn.execute(unit_schedules.insert().values(
            unit_id=unit_id, spec=spec, set_by=set_by, set_at=now))


async def claim_slot(conn: AsyncConnection, unit_code: str, purpose: str, slot_at: datetime,
                     now: datetime) -> bool:
    """True for the first caller only: a slot runs once, however often it is looked at.

    Runs in a savepoint so that losing the race leaves the caller's transaction usable.
    """
    unit_id = await unit_id_of(conn, unit_code)
    try:
        async with conn.begin_nested():
            await conn.execute(slot_runs.insert().values(
                unit_id=unit_id, purpose=purpose, slot_at=slot_at, ran_at=now))
    except IntegrityError:
        return False
    return True


async def slot_has_run(conn: AsyncConnection, unit_code: str, purpose: str,
                       slot_at: datetime) -> bool:
    unit_id = await unit_id_of(conn, unit_code)
    row = (await conn.execute(select(slot_runs.c.id).where(
        slot_runs.c.unit_id == unit_id, slot_runs.c.purpose == purpose,
        slot_runs.c.slot_at == slot_at))).first()
    return row is not None
