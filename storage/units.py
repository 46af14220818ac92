"""Units: sync the config's declarations, read the tree."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from org.units import Unit
from storage import stats_rebuild
from storage.schema import units


async def load_units(conn: AsyncConnection) -> list[Unit]:
    parent = units.alias("parent")
    rows = await conn.execute(
        select(units.c.code, units.c.name, parent.c.code.label("parent_code"))
        .select_from(units.outerjoin(parent, units.c.parent_id == parent.c.id))
        .order_by(units.c.code)
    )
    return [Unit(r.code, r.name, r.parent_code) for r in rows]


async def unit_ids(conn: AsyncConnection) -> dict[str, int]:
    """Database id by upper-case code."""
    rows = await conn.execute(select(units.c.code_key, units.c.id))
    return {r.code_key: r.id for r in rows}


async def sync_units(conn: AsyncConnection, declared: Sequence[Unit], now: datetime) -> None:
    """Insert or update every declared unit. Units added in chat are left as they are."""
    ids = await unit_ids(conn)
    for unit in declared:
        key = unit.code.upper()
        if key in ids:
            await conn.execute(
                update(units).where(units.c.id == ids[key])
                .values(code=unit.code, name=unit.name, source="config")
            )
        else:
            result = await conn.execute(
                units.insert().values(code=unit.code, code_key=key, name=unit.name,
                                      source="config", created_at=now)
            )
            ids[key] = result.inserted_primary_key[0]
    # Parents second: a child may be declared before its parent.
    for unit in declared:
        parent_id = ids[unit.parent_code.upper()] if unit.parent_code else None
        await conn.execute(
            update(units).where(units.c.id == ids[unit.code.upper()]).values(parent_id=parent_id)
        )
    # The statistics' totals are kept per scope unit: a changed tree rebuilds them.
    await stats_rebuild.ensure_rollup(conn, now)


async def unit_id_of(conn: AsyncConnection, code: str) -> int:
    """The database id of one unit (codes ignore case). KeyError for an unknown code."""
    found = (await conn.execute(select(units.c.id).where(units.c.code_key == code.upper()))
             ).scalar()
    if found is None:
        raise KeyError(code)
    return found
