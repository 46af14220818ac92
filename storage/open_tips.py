"""The open tips a new tip is compared with (SPEC §15), as the in-memory index of
``tips/open_tip_index.py`` reads them: a fingerprint per unit to tell whether what the process
holds is still what the database holds, the tips filed since, and a unit's open tips in full.

The fingerprint of a unit's open tips filed since a moment is (how many, the sum of their ids,
the largest id): one row per unit, counted inside the database over the partial index
``ix_tips_open_unit_id_created_at`` (ten thousand index entries, no row handed to Python). A tip
filed, closed, moved or deleted by any process changes the count or the sum: a new tip and a
closed one change the count by +1 and -1 but the sum by two different ids; only several
changes whose ids add up exactly could hide one another, and the largest id catches new tips
(which have the largest ids) in that case too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, TextualSelect, bindparam, column, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.prepared import prepared
from storage.schema import UTCDateTime


@dataclass(frozen=True)
class UnitFingerprint:
    """A unit of the scope and its open tips' fingerprint (0, 0, 0 when it has none)."""

    unit_id: int
    code_key: str
    count: int
    id_sum: int
    max_id: int

    @property
    def figures(self) -> tuple[int, int, int]:
        return self.count, self.id_sum, self.max_id


@dataclass(frozen=True)
class OpenTip:
    tip_id: int
    unit_id: int
    created_at: datetime


def _listed(name: str, count: int) -> str:
    """``(:name_0, :name_1, ...)``: an IN list of ``count`` parameters, spelled out."""
    return "(" + ", ".join(f":{name}_{n}" for n in range(count)) + ")"


def _values(name: str, listed: Sequence[Any]) -> dict[str, Any]:
    return {f"{name}_{n}": value for n, value in enumerate(listed)}


# The statements below run on every check, in the transaction that queues a tip's notices: each
# is built once per length of its IN list, its parameters spelled out, and marked prepared
# (storage/prepared.py: on the inline SQLite connection it skips SQLAlchemy's per-call work).
# An expanding IN list was re-rendered by SQLAlchemy on every run: a third of a check's time.
# A scope's length is its number of units, so there are as many statements as scope sizes.

@cache
def _fingerprints(count: int) -> TextualSelect:
    """Every unit of the scope, with or without open tips; "state = 'open'" spelled as the
    partial index's condition, so that both databases use it. The tip being checked is left
    out. Counted in a subquery, not in a join to the units: SQLite then counts from the index
    alone (2 ms instead of 11 for 10,000 tips)."""
    keys = _listed("unit_key", count)
    return prepared(text(
        "SELECT u.id, u.code_key, coalesce(f.n, 0), coalesce(f.s, 0), coalesce(f.m, 0)"
        " FROM units u LEFT JOIN (SELECT unit_id, count(*) AS n, sum(id) AS s, max(id) AS m"
        f" FROM tips WHERE unit_id IN (SELECT id FROM units WHERE code_key IN {keys})"
        " AND created_at >= :since AND state = 'open'"
        " AND id <> :besides GROUP BY unit_id) f ON f.unit_id = u.id"
        f" WHERE u.code_key IN {keys}"
    ).bindparams(bindparam("since", type_=UTCDateTime())).columns(
        column("id", Integer), column("code_key", String), column("n", Integer),
        column("s", Integer), column("m", Integer)))


@cache
def _open_since(count: int, *, after: bool) -> TextualSelect:
    """The open tips of ``count`` units filed since a moment (``after``: and above an id)."""
    return prepared(text(
        f"SELECT id, unit_id, created_at FROM tips WHERE unit_id IN {_listed('unit_id', count)}"
        " AND created_at >= :since AND state = 'open'" + (" AND id > :after" if after else "")
    ).bindparams(bindparam("since", type_=UTCDateTime())).columns(
        column("id", Integer), column("unit_id", Integer),
        column("created_at", UTCDateTime())))


async def fingerprints(conn: AsyncConnection, unit_codes: Collection[str], since: datetime, *,
                       besides: int) -> list[UnitFingerprint]:
    """Each unit of ``unit_codes`` with the fingerprint of its open tips filed since ``since``,
    but ``besides``."""
    if not unit_codes:
        return []
    keys = sorted({c.upper() for c in unit_codes})
    rows = await conn.execute(_fingerprints(len(keys)), {
        **_values("unit_key", keys), "since": since, "besides": besides})
    return [UnitFingerprint(int(u), k, int(n), int(s), int(m)) for u, k, n, s, m in rows]


async def open_tips(conn: AsyncConnection, unit_ids: Collection[int],
                    since: datetime) -> list[OpenTip]:
    """Every open tip of ``unit_ids`` filed since ``since``."""
    return await _read(conn, unit_ids, {"since": since}, after=False)


async def open_tips_after(conn: AsyncConnection, unit_ids: Collection[int], since: datetime,
                          after: int) -> list[OpenTip]:
    """The open tips of ``unit_ids`` filed since ``since`` whose id is above ``after``: those
    filed (by any process) since the index last looked."""
    return await _read(conn, unit_ids, {"since": since, "after": after}, after=True)


async def _read(conn: AsyncConnection, unit_ids: Collection[int], values: dict[str, Any], *,
                after: bool) -> list[OpenTip]:
    if not unit_ids:
        return []
    ids = sorted(set(unit_ids))
    rows = await conn.execute(_open_since(len(ids), after=after),
                              {**values, **_values("unit_id", ids)})
    return [OpenTip(tip_id, unit_id, created_at) for tip_id, unit_id, created_at in rows]
