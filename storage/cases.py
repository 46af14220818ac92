"""Cases of merged tips (SPEC §15) and what tips are compared by.

A case is named by its first tip's id: ``tips.case_id`` holds it on every tip of a case of two or
more, and is NULL on a tip on its own (a case by itself). Merging moves a tip, and any case it
led, into another case; un-merging takes one tip out, and a case left with one tip is no case
any more. Whoever calls these writes the audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.prepared import prepared
from storage.schema import UTCDateTime, units
from storage.tip_records import Assessment, Tip, TipState
from storage.tips import TIP_SELECT, tip_from_row
from storage.tips_tables import tip_items, tips


def _case_of(tip_id: int) -> ColumnElement[bool]:
    """The tips of the case ``tip_id`` is part of (itself alone when it is in none)."""
    case = (select(func.coalesce(tips.c.case_id, tips.c.id)).where(tips.c.id == tip_id)
            .scalar_subquery())
    return or_(tips.c.case_id == case, tips.c.id == case)


async def case_tips(conn: AsyncConnection, tip_id: int) -> list[Tip]:
    """Every tip of the case ``tip_id`` is part of, oldest first; [] for an unknown tip."""
    rows = await conn.execute(TIP_SELECT.where(_case_of(tip_id)).order_by(tips.c.id))
    return [tip_from_row(row) for row in rows]


async def merge(conn: AsyncConnection, tip_id: int, into_tip_id: int) -> int | None:
    """Put ``tip_id``'s case into ``into_tip_id``'s; the id of the case they now are, or None
    when they already were one case. The case keeps the older first tip's id."""
    moving = [t.id for t in await case_tips(conn, tip_id)]
    staying = [t.id for t in await case_tips(conn, into_tip_id)]
    if not moving or not staying or set(moving) & set(staying):
        return None
    case = min(moving[0], staying[0])
    await conn.execute(update(tips).where(tips.c.id.in_([*moving, *staying]))
                       .values(case_id=case))
    return case


async def unmerge(conn: AsyncConnection, tip_id: int) -> bool:
    """Take ``tip_id`` out of its case; False when it was in none. The rest stay one case, named
    by its first tip now; a case left with one tip is no case any more."""
    members = [t.id for t in await case_tips(conn, tip_id)]
    if len(members) < 2 or tip_id not in members:
        return False
    rest = [m for m in members if m != tip_id]
    await conn.execute(update(tips).where(tips.c.id == tip_id).values(case_id=None))
    await conn.execute(update(tips).where(tips.c.id.in_(rest))
                       .values(case_id=rest[0] if len(rest) > 1 else None))
    return True


@dataclass(frozen=True)
class StoredKey:
    """What a tip is compared by (``tips.similarity.MatchKey``), as stored."""

    marked: str
    plain: str
    tokens: str
    numbers: str


# Written for every tip filed (storage/prepared.py: built once, not per call).
_STORE_MATCH_KEY = prepared(text(
    "UPDATE tips SET match_marked = :marked, match_plain = :plain, match_tokens = :tokens,"
    " match_numbers = :numbers WHERE id = :tip_id"))


async def store_match_key(conn: AsyncConnection, tip_id: int, key: StoredKey) -> None:
    await store_match_keys(conn, {tip_id: key})


async def store_match_keys(conn: AsyncConnection, keys: Mapping[int, StoredKey]) -> None:
    """Several tips' keys in one statement."""
    if keys:
        await conn.execute(_STORE_MATCH_KEY, [
            {"tip_id": tip_id, "marked": key.marked, "plain": key.plain, "tokens": key.tokens,
             "numbers": key.numbers} for tip_id, key in keys.items()])


# Written as text: one column, no join (the units are looked up once, inside), cached by the
# driver. The keys themselves never change once written, so the caller keeps them in memory and
# reads only the ones it has not seen (:func:`keys_of`).
_OPEN_TIP_IDS_SINCE = text(
    "SELECT id FROM tips WHERE unit_id IN (SELECT id FROM units WHERE code_key IN :unit_keys)"
    # "state = 'open'" spelled as the partial index's condition, so both databases use it.
    " AND created_at >= :since AND state = 'open' AND id <> :besides ORDER BY id"
).bindparams(bindparam("unit_keys", expanding=True), bindparam("since", type_=UTCDateTime()))
_KEYS_OF = text(
    "SELECT id, match_marked, match_plain, match_tokens, match_numbers FROM tips"
    " WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
_BATCH = 500  # ids per statement: within every driver's limit on parameters


async def open_tip_ids_since(conn: AsyncConnection, unit_codes: Collection[str],
                             since: datetime, *, besides: int) -> list[int]:
    """The open tips of ``unit_codes`` filed since ``since``, but ``besides``, oldest first: what
    a new tip is compared with (partial index ``ix_tips_open_unit_id_created_at``)."""
    rows = await conn.execute(_OPEN_TIP_IDS_SINCE, {
        "unit_keys": [c.upper() for c in unit_codes], "since": since, "besides": besides})
    return list(rows.scalars())


async def keys_of(conn: AsyncConnection, tip_ids: Sequence[int]) -> dict[int, StoredKey | None]:
    """The stored key of each tip; None for a tip filed before keys were kept."""
    found: dict[int, StoredKey | None] = {}
    for start in range(0, len(tip_ids), _BATCH):
        rows = await conn.execute(_KEYS_OF, {"ids": list(tip_ids[start:start + _BATCH])})
        for tip_id, marked, plain, tokens, numbers in rows:
            found[tip_id] = (StoredKey(marked or "", plain, tokens or "", numbers or "")
                             if plain is not None else None)
    return found


async def texts_of(conn: AsyncConnection, tip_ids: Collection[int]) -> dict[int, str]:
    """The text parts (and captions) of each tip, joined: to compute a missing key."""
    found: dict[int, list[str]] = {tip_id: [] for tip_id in tip_ids}
    if not found:
        return {}
    rows = await conn.execute(
        select(tip_items.c.tip_id, tip_items.c.text)
        .where(tip_items.c.tip_id.in_(list(found)), tip_items.c.text.is_not(None))
        .order_by(tip_items.c.tip_id, tip_items.c.position))
    for row in rows:
        found[row.tip_id].append(row.text)
    return {tip_id: "\n".join(texts) for tip_id, texts in found.items()}


async def cases_in_units(conn: AsyncConnection, unit_codes: Collection[str], *,
                         assessment: Assessment | None = None, state: TipState | None = None,
                         offset: int = 0, limit: int = 10) -> tuple[list[tuple[Tip, int]], int]:
    """``/tips``: each case once, by its newest tip in ``unit_codes``, with how many of its tips
    are there; newest first, one page, and how many cases in all. The tips of a case share
    their assessment and state, so filtering any of them filters the case."""
    condition = units.c.code_key.in_([c.upper() for c in unit_codes])
    if assessment is not None:
        condition &= tips.c.assessment == assessment.value
    if state is not None:
        condition &= tips.c.state == state.value
    case = func.coalesce(tips.c.case_id, tips.c.id)
    ranked = (TIP_SELECT.add_columns(
        func.row_number().over(partition_by=case, order_by=(tips.c.created_at.desc(),
                                                             tips.c.id.desc())).label("rank"),
        func.count().over(partition_by=case).label("in_case"))
        .where(condition).subquery())
    rows = await conn.execute(
        select(ranked).where(ranked.c.rank == 1)
        .order_by(ranked.c.created_at.desc(), ranked.c.id.desc()).offset(offset).limit(limit))
    total = (await conn.execute(select(func.count()).select_from(ranked)
                                .where(ranked.c.rank == 1))).scalar_one()
    return [(tip_from_row(r), r.in_case) for r in rows], total
