"""Is a new tip like an open one? Checked when its staff notices are queued (SPEC §15).

The candidates are the open tips of the same part of the unit tree filed in the last
``tips.similar_days``: the subtree of the new tip's unit's parent (the new tip's unit and its
neighbours under the same commune or district; the whole tree under the root). The database
narrows them by unit and date (index ``ix_tips_unit_id_created_at``) and hands back their ids;
their stored keys (``tips.similarity.MatchKey``) are read once per process and kept, since a key
never changes; rapidfuzz scores them all at once. The new tip's own
key is stored with its notices, so it is ready when later tips are compared with it; a tip filed
before keys were kept gets its key computed from its texts when first needed, and stored.

This runs after the tipster's receipt, with the staff notices, so it never delays the receipt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection

from org.units import UnitTree
from storage import cases as case_store
from storage import tips as tip_store
from storage.db import Database
from storage.tip_records import Tip, TipItem
from tips.context import TipsContext
from tips.similarity import Keys, MatchKey, best_match, match_key


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


# The keys read so far, per database: a key never changes once written, so each is read once
# per process, and a check then reads only the ids of its candidates. Bounded: past the limit it
# starts again (10,000 open tips of a fortnight are a few megabytes).
_KEY_CACHE_LIMIT = 200_000
_known_keys: WeakKeyDictionary[Database, dict[int, MatchKey]] = WeakKeyDictionary()
_NO_WORDS = MatchKey("", "", "", "")


async def _keys(conn: AsyncConnection, db: Database, tip_ids: list[int]) -> tuple[
        list[MatchKey], dict[int, MatchKey]]:
    """The keys of ``tip_ids`` in their order, and those computed for tips filed before keys
    were kept (to be stored)."""
    known = _known_keys.setdefault(db, {})
    unknown = [tip_id for tip_id in tip_ids if tip_id not in known]
    computed: dict[int, MatchKey] = {}
    if unknown:
        if len(known) + len(unknown) > _KEY_CACHE_LIMIT:
            known.clear()
        stored = await case_store.keys_of(conn, unknown)
        missing = [tip_id for tip_id, key in stored.items() if key is None]
        if missing:
            computed = await _missing_keys(conn, missing)
        for tip_id, key in stored.items():
            known[tip_id] = (MatchKey(key.marked, key.plain, key.tokens, key.numbers)
                             if key is not None else computed.get(tip_id, _NO_WORDS))
    return [known.get(tip_id, _NO_WORDS) for tip_id in tip_ids], computed


_check_turns: WeakKeyDictionary[Database, asyncio.Lock] = WeakKeyDictionary()


def check_turn(db: Database) -> asyncio.Lock:
    """One check at a time per database: a wave of tips would otherwise take every pooled
    connection for their checks, and the next residents' receipts would wait for one. The
    notices are not what a resident waits for (an officer's chat takes a message a second)."""
    return _check_turns.setdefault(db, asyncio.Lock())


async def find_similar(conn: AsyncConnection, ctx: TipsContext, tip: Tip,
                       items: Sequence[TipItem]) -> Check:
    """The open tip most like ``tip`` at or above ``tips.similar_suggest``. Only reads: run on
    a reading connection, so that SQLite's one writer is not held while 10,000 keys are read
    and scored; the keys are stored by :func:`store_keys` with the notices."""
    key = match_key(text_of(items))
    if key.empty:
        return Check(None, key)
    since = tip.created_at - timedelta(days=ctx.settings.similar_days)
    tip_ids = await case_store.open_tip_ids_since(
        conn, compared_units(ctx.directory.tree, tip.unit_code), since, besides=tip.id)
    keys, computed = await _keys(conn, ctx.db, tip_ids)
    best = best_match(key, Keys.of(keys), ctx.settings.similar_suggest)
    similar = None
    if best is not None:
        other = await tip_store.find_tip_by_id(conn, tip_ids[best.index])
        if other is not None:
            similar = Similar(other.id, other.code, other.unit_code, best.score)
    return Check(similar, key, computed)


async def store_keys(conn: AsyncConnection, tip: Tip, check: Check) -> None:
    """The new tip's key, and those computed for older tips, for the checks still to come."""
    await case_store.store_match_key(conn, tip.id, _stored(check.key))
    for tip_id, key in check.computed.items():
        await case_store.store_match_key(conn, tip_id, _stored(key))


async def _missing_keys(conn: AsyncConnection, tip_ids: list[int]) -> dict[int, MatchKey]:
    """Keys of tips filed before keys were kept, computed from their texts."""
    return {tip_id: match_key(text)
            for tip_id, text in (await case_store.texts_of(conn, tip_ids)).items()}
