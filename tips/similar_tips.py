"""Is a new tip like an open one? Checked when its staff notices are queued (SPEC §15).

The candidates are the open tips of the same part of the unit tree filed in the last
``tips.similar_days``: the subtree of the new tip's unit's parent (the new tip's unit and its
neighbours under the same commune or district; the whole tree under the root). The process
keeps them in memory with their stored keys (``tips.open_tip_index``), checked against the
database by one counting query per check, so a check reads only what changed since the last
one; rapidfuzz scores them all at once (``tips.similarity_scores``, imported by the first
check). The new tip's own key is stored with its notices, so it is ready when later tips are
compared with it; a tip filed before keys were kept gets its key computed from its texts when
first needed, and stored.

This runs after the tipster's receipt, with the staff notices, so it never delays the receipt.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import repeat
from types import ModuleType
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection

from org.units import UnitTree
from storage import cases as case_store
from storage import tips as tip_store
from storage.db import Database
from storage.tip_records import Tip, TipItem
from tips.context import TipsContext
from tips.open_tip_index import index_of
from tips.similarity import Keys, MatchKey, match_key


@dataclass(frozen=True)
class Similar:
    """The open tip most like the new one, and how alike (0..1)."""

    tip_id: int
    code: str
    unit_code: str
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def compared_units(tree: UnitTree, unit_code: str) -> set[str]:
    """The units whose tips a new tip of ``unit_code`` is compared with."""
    parents = tree.ancestors(unit_code)
    return tree.subtree_codes(parents[0].code if parents else unit_code)


def text_of(items: Sequence[TipItem]) -> str:
    """All the words of a tip: its texts and its captions, in order."""
    return "\n".join(item.text for item in items if item.text)


def _stored(key: MatchKey) -> case_store.StoredKey:
    return case_store.StoredKey(key.marked, key.plain, key.tokens, key.numbers)


@dataclass(frozen=True)
class Check:
    """What checking a new tip found: the tip it is like (if any), its own key, and the keys
    computed for tips filed before keys were kept; :func:`store_keys` writes the keys."""

    similar: Similar | None
    key: MatchKey
    computed: dict[int, MatchKey] = field(default_factory=dict)


_NO_WORDS = MatchKey("", "", "", "")


async def _keys(conn: AsyncConnection, known: dict[int, MatchKey], tip_ids: list[int]) -> tuple[
        Keys, dict[int, MatchKey]]:
    """The keys of ``tip_ids`` in their order, and those computed for tips filed before keys
    were kept (to be stored). Only the keys not held yet (``known``) are read."""
    unknown = [tip_id for tip_id in tip_ids if tip_id not in known]
    computed: dict[int, MatchKey] = {}
    if unknown:
        stored = await case_store.keys_of(conn, unknown)
        missing = [tip_id for tip_id, key in stored.items() if key is None]
        if missing:
            computed = await _missing_keys(conn, missing)
        for tip_id, key in stored.items():
            known[tip_id] = (MatchKey(key.marked, key.plain, key.tokens, key.numbers)
                             if key is not None else computed.get(tip_id, _NO_WORDS))
    return Keys.of(list(map(known.get, tip_ids, repeat(_NO_WORDS)))), computed


_scoring_module: ModuleType | None = None


async def load_scoring() -> ModuleType:
    """``tips.similarity_scores``, imported on first use in a worker thread: numpy and rapidfuzz
    take some 90 ms to import, which would stall every chat of the bot if done on the loop.
    Once imported, this returns without suspending: a transaction run in one go
    (``Database.run_transaction``) may call :func:`find_similar` after awaiting this."""
    global _scoring_module
    if _scoring_module is None:
        # Not sys.modules: a module another thread is still importing is there already, half
        # made. importlib's own lock makes a second import wait for the first to finish.
        _scoring_module = await asyncio.to_thread(importlib.import_module,
                                                  "tips.similarity_scores")
    return _scoring_module


_check_turns: WeakKeyDictionary[Database, asyncio.Lock] = WeakKeyDictionary()


def check_turn(db: Database) -> asyncio.Lock:
    """One check at a time per database: a wave of tips would otherwise take every pooled
    connection for their checks, and the next residents' receipts would wait for one. The
    notices are not what a resident waits for (an officer's chat takes a message a second)."""
    return _check_turns.setdefault(db, asyncio.Lock())


async def find_similar(conn: AsyncConnection, ctx: TipsContext, tip: Tip,
                       items: Sequence[TipItem]) -> Check:
    """The open tip most like ``tip`` at or above ``tips.similar_suggest``. Only reads; the
    keys are stored by :func:`store_keys` with the notices. Inside a transaction run in one go,
    await :func:`load_scoring` first."""
    key = match_key(text_of(items))
    if key.empty:
        return Check(None, key)
    since = tip.created_at - timedelta(days=ctx.settings.similar_days)
    index = index_of(ctx.db)
    # Only the tips filed before it: one filed while this tip's notices waited (the first
    # check imports the scoring module) is compared with this one when its own turn comes,
    # and the pair is suggested once, on the later tip's notice.
    tip_ids = [tip_id for tip_id in await index.candidates(
        conn, compared_units(ctx.directory.tree, tip.unit_code), since, besides=tip.id)
        if tip_id < tip.id]
    keys, computed = await _keys(conn, index.keys, tip_ids)
    best = (await load_scoring()).best_match(key, keys, ctx.settings.similar_suggest)
    # The next check compares with this tip too, without reading it.
    index.add(tip.id, tip.unit_code, tip.created_at, key)
    similar = None
    if best is not None:
        other = await tip_store.find_tip_by_id(conn, tip_ids[best.index])
        if other is not None:
            similar = Similar(other.id, other.code, other.unit_code, best.score)
    return Check(similar, key, computed)


async def store_keys(conn: AsyncConnection, tip: Tip, check: Check) -> None:
    """The new tip's key, and those computed for older tips, for the checks still to come."""
    await case_store.store_match_keys(conn, {
        tip.id: _stored(check.key),
        **{tip_id: _stored(key) for tip_id, key in check.computed.items()}})


async def _missing_keys(conn: AsyncConnection, tip_ids: list[int]) -> dict[int, MatchKey]:
    """Keys of tips filed before keys were kept, computed from their texts."""
    return {tip_id: match_key(text)
            for tip_id, text in (await case_store.texts_of(conn, tip_ids)).items()}
