"""Keeping the statistics' running totals right when an admin changes the unit tree in chat.

A rebuild (``storage/stats_rebuild.py``) reads every tip, delivery and outcome: minutes at a
province's size, while every writer, a tipster filing included, waits for the transaction. A unit
added or moved in chat needs far less, and gets only that, in the same transaction as the change:

- a new unit has no tip, outcome or group yet: it needs its scopes, nothing more;
- a moved unit's subtree scope already holds everything below it, per day and key: that is taken
  out of each unit it left above it and added to each unit it came under, and the units of its
  subtree change ancestors likewise.

Either way the recorded fingerprint then names the new tree, so the next start-up does not
rebuild. Totals that were not kept for the tree as it was before get the rebuild instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Integer, Table, TextClause, bindparam, delete, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import stats_rollup
from storage.rollup_tables import (
    stats_channel_days,
    stats_delivery_days,
    stats_outcome_days,
    stats_rollup_state,
    stats_tip_category_days,
    stats_tip_state_days,
    stats_week_groups,
    unit_ancestors,
)
from storage.stats_rebuild import (
    STATE_ID,
    rebuild_rollup,
    recorded_fingerprint,
    scopes_of,
    tree_fingerprint,
    tree_shape,
)

# The totals kept per scope unit: what a moved unit takes with it. (``stats_group_weeks`` is
# kept per group, wherever the group's unit hangs.)
SCOPE_TABLES = (stats_tip_category_days, stats_tip_state_days, stats_delivery_days,
                stats_outcome_days, stats_week_groups, stats_channel_days)

Tree = Mapping[int, int | None]


async def _kept_for(conn: AsyncConnection, tree: Tree) -> bool:
    return await recorded_fingerprint(conn) == tree_fingerprint(tree, stats_rollup.zone_of(conn))


async def _record_tree(conn: AsyncConnection, tree: Tree) -> None:
    await conn.execute(update(stats_rollup_state).where(stats_rollup_state.c.id == STATE_ID)
                       .values(units_fingerprint=tree_fingerprint(tree,
                                                                  stats_rollup.zone_of(conn))))


async def unit_added(conn: AsyncConnection, unit_id: int, now: datetime) -> None:
    """Call after inserting a unit."""
    tree = await tree_shape(conn)
    if not await _kept_for(conn, {unit: parent for unit, parent in tree.items()
                                  if unit != unit_id}):
        await rebuild_rollup(conn, now)
        return
    await conn.execute(unit_ancestors.insert(), [{"unit_id": unit_id, "ancestor_id": scope}
                                                 for scope in scopes_of(tree, unit_id)])
    await _record_tree(conn, tree)


async def unit_moved(conn: AsyncConnection, unit_id: int, before: Tree, now: datetime) -> None:
    """Call after giving ``unit_id`` another parent than it has in ``before``."""
    if conn.dialect.name == "postgresql":
        # Every count kept event by event finds its scopes in unit_ancestors. Until this commits,
        # a tip filed under the moved unit waits here and then counts for its new units above;
        # one filed before is in the rows carried below. (SQLite has one writer at a time.)
        await conn.execute(text(f"LOCK TABLE {unit_ancestors.name} IN ACCESS EXCLUSIVE MODE"))
    if not await _kept_for(conn, before):
        await rebuild_rollup(conn, now)
        return
    after = await tree_shape(conn)
    # scopes_of: own scope, the unit itself, then each unit above it.
    left = set(scopes_of(before, unit_id)[2:]) - set(scopes_of(after, unit_id)[2:])
    joined = set(scopes_of(after, unit_id)[2:]) - set(scopes_of(before, unit_id)[2:])
    for table in SCOPE_TABLES:
        for scope, subtract in [*((s, True) for s in left), *((s, False) for s in joined)]:
            await conn.execute(_carry_scope(table, subtract=subtract),
                               {"moved": unit_id, "scope": scope})
    subtree = select(unit_ancestors.c.unit_id).where(unit_ancestors.c.ancestor_id == unit_id)
    if left:
        await conn.execute(delete(unit_ancestors).where(
            unit_ancestors.c.unit_id.in_(subtree.scalar_subquery()),
            unit_ancestors.c.ancestor_id.in_(left)))
    for scope in joined:
        await conn.execute(unit_ancestors.insert().from_select(
            ["unit_id", "ancestor_id"],
            select(unit_ancestors.c.unit_id, literal(scope, Integer))
            .where(unit_ancestors.c.ancestor_id == unit_id)))
    await _record_tree(conn, after)


def _carry_scope(table: Table, *, subtract: bool) -> TextClause:
    """Add (or take away) every row of scope ``:moved`` to the same row of scope ``:scope``."""
    keys = [c.name for c in table.primary_key.columns if c.name != "scope_id"]
    amounts = [c.name for c in table.columns if not c.primary_key]
    signed = ", ".join(("-" if subtract else "") + name for name in amounts)
    additions = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in amounts)
    # SQLite (3.35+) and PostgreSQL both take this text; the WHERE also settles SQLite's
    # "ON CONFLICT after SELECT" parsing ambiguity.
    return text(
        f"INSERT INTO {table.name} (scope_id, {', '.join([*keys, *amounts])})"
        f" SELECT CAST(:scope AS INTEGER), {', '.join(keys)}, {signed}"
        f" FROM {table.name} WHERE scope_id = :moved"
        f" ON CONFLICT ({', '.join(c.name for c in table.primary_key.columns)})"
        f" DO UPDATE SET {additions}"
    ).bindparams(bindparam("scope", type_=Integer), bindparam("moved", type_=Integer))
