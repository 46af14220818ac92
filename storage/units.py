"""Units: sync the config's declarations, add, rename and move units in chat, read the tree.

``source`` says who owns a unit: ``config`` (config.toml, changed only there) or ``chat`` (an
admin's ``/unit``). The config owns exactly what it declares, at each start-up: a unit it
declares is its own, even one first added in chat; a unit it no longer declares is kept (tips,
groups, outcomes and units below it point to it) and from then on belongs to chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import stats_rebuild, stats_tree_changes
from storage.org_records import Unit
from storage.schema import units

CONFIG, CHAT = "config", "chat"


@dataclass(frozen=True)
class UnitSync:
    """What a config sync changed hands: codes the file took over from chat, and codes the file
    no longer declares (kept, now chat units)."""

    taken_over: tuple[str, ...] = ()
    released: tuple[str, ...] = ()


async def load_units(conn: AsyncConnection) -> list[Unit]:
    parent = units.alias("parent")
    rows = await conn.execute(
        select(units.c.code, units.c.name, units.c.source, parent.c.code.label("parent_code"))
        .select_from(units.outerjoin(parent, units.c.parent_id == parent.c.id))
        .order_by(units.c.code)
    )
    return [Unit(r.code, r.name, r.parent_code, from_config=r.source == CONFIG) for r in rows]


async def unit_ids(conn: AsyncConnection) -> dict[str, int]:
    """Database id by upper-case code."""
    rows = await conn.execute(select(units.c.code_key, units.c.id))
    return {r.code_key: r.id for r in rows}


async def sync_units(conn: AsyncConnection, declared: Sequence[Unit], now: datetime) -> UnitSync:
    """Insert or update every declared unit; hand the units the file dropped to chat.

    Units added in chat are left as they are, unless the file now declares the same code: then
    the file's name and parent apply. The file's parents are always units of the file (the config
    check refuses others), so no chat unit can put a file unit in a loop."""
    sources = {r.code_key: r.source
               for r in await conn.execute(select(units.c.code_key, units.c.source))}
    ids = await unit_ids(conn)
    for unit in declared:
        key = unit.code.upper()
        if key in ids:
            await conn.execute(
                update(units).where(units.c.id == ids[key])
                .values(code=unit.code, name=unit.name, source=CONFIG)
            )
        else:
            result = await conn.execute(
                units.insert().values(code=unit.code, code_key=key, name=unit.name,
                                      source=CONFIG, created_at=now)
            )
            ids[key] = result.inserted_primary_key[0]
    # Parents second: a child may be declared before its parent.
    for unit in declared:
        parent_id = ids[unit.parent_code.upper()] if unit.parent_code else None
        await conn.execute(
            update(units).where(units.c.id == ids[unit.code.upper()]).values(parent_id=parent_id)
        )
    declared_keys = {unit.code.upper() for unit in declared}
    released = sorted(key for key, source in sources.items()
                      if source == CONFIG and key not in declared_keys)
    if released:
        await conn.execute(update(units).where(units.c.code_key.in_(released))
                           .values(source=CHAT))
    # The statistics' totals are kept per scope unit: a changed tree rebuilds them.
    await stats_rebuild.ensure_rollup(conn, now)
    return UnitSync(
        taken_over=tuple(sorted(unit.code for unit in declared
                                if sources.get(unit.code.upper()) == CHAT)),
        released=tuple(released))


async def add_chat_unit(conn: AsyncConnection, unit: Unit, now: datetime) -> None:
    """Insert a unit an admin added in chat, under an existing parent."""
    parent_id = await unit_id_of(conn, unit.parent_code or "")
    result = await conn.execute(units.insert().values(
        code=unit.code, code_key=unit.code.upper(), name=unit.name, parent_id=parent_id,
        source=CHAT, created_at=now))
    await stats_tree_changes.unit_added(conn, result.inserted_primary_key[0], now)


async def rename_unit(conn: AsyncConnection, code: str, name: str) -> None:
    await conn.execute(update(units).where(units.c.code_key == code.upper()).values(name=name))


async def move_unit(conn: AsyncConnection, code: str, parent_code: str, now: datetime) -> None:
    """Put a unit (with everything below it) under another parent. Its tips, outcomes and
    groups then count in the new parent's scopes and no longer in the old ones."""
    unit_id, parent_id = await unit_id_of(conn, code), await unit_id_of(conn, parent_code)
    before = await stats_rebuild.tree_shape(conn)
    await conn.execute(update(units).where(units.c.id == unit_id).values(parent_id=parent_id))
    await stats_tree_changes.unit_moved(conn, unit_id, before, now)


async def unit_id_of(conn: AsyncConnection, code: str) -> int:
    """The database id of one unit (codes ignore case). KeyError for an unknown code."""
    found = (await conn.execute(select(units.c.id).where(units.c.code_key == code.upper()))
             ).scalar()
    if found is None:
        raise KeyError(code)
    return found
