"""The open tips a new tip may be compared with, kept in memory per unit (SPEC §15: the check
runs in under 50 ms with 10,000 open tips in scope).

Reading the ids of 10,000 candidates from the database for every new tip was most of a check's
time. This index holds, per unit, the open tips filed since some moment (id → when filed) and,
per tip, its similarity key (a key never changes once made). A unit is read the first time a
check needs it.

Memory is never trusted on its own: before each check, one query counts in the database, per
unit of the scope, the open tips filed in the window (how many, the sum of their ids, the
largest id: ``storage.open_tips``), and the index's figures for the same window must match.
So a tip filed or closed by another process (a second bot process on PostgreSQL, a standby that
has just become the leader), a merge or un-merge, an abandoned transaction, anything that
changes which tips are open, is seen at the next check:

* a unit whose figures differ first reads the open tips filed after the largest id the index
  has seen (new tips, the usual case: one cheap indexed query);
* a unit still differing after that (a tip closed, a tip moved, an id committed out of order)
  is read again in full; so is a unit never read, or read from a later moment than the
  window's start.

A merge or un-merge changes no tip's state or key, so it changes nothing here; closing a tip
(or a case) takes it out at the next check through the fingerprint, and the purge of follow-up
links touches only closed tips. Tips older than the window are dropped as the window moves on,
with their keys, so memory follows the open tips of the last ``tips.similar_days``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection

from storage import open_tips as open_store
from storage.db import Database
from tips.similarity import MatchKey


@dataclass
class _Unit:
    since: datetime  # holds every open tip filed from here on (as of the last check)
    filed: dict[int, datetime] = field(default_factory=dict)  # tip id -> filed at

    def ids(self, since: datetime, besides: int) -> list[int]:
        return [tip_id for tip_id, at in self.filed.items() if at >= since and tip_id != besides]

    def drop_before(self, since: datetime) -> list[int]:
        """Forget the tips filed before ``since`` (the window moved on); their ids."""
        old = [tip_id for tip_id, at in self.filed.items() if at < since]
        for tip_id in old:
            del self.filed[tip_id]
        self.since = since
        return old


def _figures(ids: list[int]) -> tuple[int, int, int]:
    """What ``storage.open_tips.UnitFingerprint.figures`` says of the same tips."""
    return len(ids), sum(ids), max(ids, default=0)


@dataclass(frozen=True)
class IndexReads:
    """What one look-up had to read from the database besides the fingerprint (for the bench
    and the tests: 0 and 0 when memory was up to date)."""

    units_read: int = 0
    tips_added: int = 0


class OpenTipIndex:
    """The open tips of one database, per unit, and their keys."""

    def __init__(self) -> None:
        self._units: dict[int, _Unit] = {}
        self._unit_ids: dict[str, int] = {}  # code key -> unit id, as the fingerprints say
        self.keys: dict[int, MatchKey] = {}
        self._max_seen = 0
        self.last_reads = IndexReads()

    async def candidates(self, conn: AsyncConnection, unit_codes: Iterable[str],
                         since: datetime, *, besides: int) -> list[int]:
        """The ids of the open tips of ``unit_codes`` filed since ``since``, but ``besides``,
        in id order: as the database holds them now."""
        found = await open_store.fingerprints(conn, list(unit_codes), since, besides=besides)
        held_ids: dict[int, list[int]] = {}  # per unit whose figures match: its candidates
        differing: list[open_store.UnitFingerprint] = []
        for unit in found:
            self._unit_ids[unit.code_key] = unit.unit_id
            held = self._units.get(unit.unit_id)
            if held is None or held.since > since:
                differing.append(unit)
                continue
            if held.since < since:
                self._forget(held.drop_before(since))
            ids = held.ids(since, besides)
            if _figures(ids) == unit.figures:
                held_ids[unit.unit_id] = ids
            else:
                differing.append(unit)
        added, read = 0, 0
        if differing:
            added = await self._add_filed(conn, [u for u in differing if u.unit_id in self._units
                                                 and self._units[u.unit_id].since <= since],
                                          since)
            stale = []
            for unit in differing:
                held = self._units.get(unit.unit_id)
                ids = held.ids(since, besides) if held and held.since <= since else []
                if held and held.since <= since and _figures(ids) == unit.figures:
                    held_ids[unit.unit_id] = ids
                else:
                    stale.append(unit.unit_id)
            if stale:
                await self._read_units(conn, stale, since)
                read = len(stale)
                for unit_id in stale:
                    held_ids[unit_id] = self._units[unit_id].ids(since, besides)
        self.last_reads = IndexReads(read, added)
        candidates = [tip_id for ids in held_ids.values() for tip_id in ids]
        candidates.sort()
        return candidates

    def add(self, tip_id: int, unit_code: str, filed_at: datetime, key: MatchKey) -> None:
        """A tip just checked (filed and open): the next check finds it here. Only into a unit
        already held, and only when it belongs to the window held: the fingerprint corrects
        anything else."""
        unit_id = self._unit_ids.get(unit_code.upper())
        held = self._units.get(unit_id) if unit_id is not None else None
        if held is None or filed_at < held.since:
            return
        held.filed[tip_id] = filed_at
        self.keys[tip_id] = key
        self._max_seen = max(self._max_seen, tip_id)

    async def _add_filed(self, conn: AsyncConnection, units: list[open_store.UnitFingerprint],
                         since: datetime) -> int:
        if not units:
            return 0
        filed = await open_store.open_tips_after(conn, [u.unit_id for u in units], since,
                                                 self._max_seen)
        for tip in filed:
            self._units[tip.unit_id].filed[tip.tip_id] = tip.created_at
            self._max_seen = max(self._max_seen, tip.tip_id)
        return len(filed)

    async def _read_units(self, conn: AsyncConnection, unit_ids: list[int],
                          since: datetime) -> None:
        tips = await open_store.open_tips(conn, unit_ids, since)
        held_before: set[int] = set()
        for unit_id in unit_ids:
            held = self._units.pop(unit_id, None)
            if held is not None:
                held_before.update(held.filed)
            self._units[unit_id] = _Unit(since)
        for tip in tips:
            self._units[tip.unit_id].filed[tip.tip_id] = tip.created_at
            self._max_seen = max(self._max_seen, tip.tip_id)
        # The keys of the tips still open stay: a key never changes.
        self._forget(held_before.difference(tip.tip_id for tip in tips))

    def _forget(self, tip_ids: Iterable[int]) -> None:
        for tip_id in tip_ids:
            self.keys.pop(tip_id, None)


_indexes: WeakKeyDictionary[Database, OpenTipIndex] = WeakKeyDictionary()


def index_of(db: Database) -> OpenTipIndex:
    """The process's index of ``db``'s open tips."""
    return _indexes.setdefault(db, OpenTipIndex())
