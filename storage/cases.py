"""Cases of merged tips (SPEC §15) and what tips are compared by.

A case is named by its first tip's id: ``tips.case_id`` holds it on every tip of a case of two or
more, and is NULL on a tip on its own (a case by itself). Merging moves a tip, and any case it
led, into another case; un-merging takes one tip out, and a case left with one tip is no case
any more. Whoever calls these writes the audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

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


@dataclass(frozen=True)
class Candidates:
    """Open tips a new one is compared with, as columns (10,000 rows make no object each).
    ``missing``: those filed before keys were kept (their key columns hold empty strings)."""

    ids: Sequence[int]
    codes: Sequence[str]
    marked: Sequence[str]
    plain: Sequence[str]
    tokens: Sequence[str]
    numbers: Sequence[str]
    missing: list[int]


async def store_match_key(conn: AsyncConnection, tip_id: int, key: StoredKey) -> None:
    await conn.execute(update(tips).where(tips.c.id == tip_id).values(
        match_marked=key.marked, match_plain=key.plain, match_tokens=key.tokens,
        match_numbers=key.numbers))


# Written as text: only the columns scored, no join (the units are looked up once, inside),
# and cached by the driver.
_OPEN_TIPS_SINCE = text(
    "SELECT id, code, match_marked, match_plain, match_tokens, match_numbers FROM tips"
    " WHERE unit_id IN (SELECT id FROM units WHERE code_key IN :unit_keys)"
    " AND created_at >= :since AND state = :open AND id <> :besides ORDER BY id"
).bindparams(bindparam("unit_keys", expanding=True), bindparam("since", type_=UTCDateTime()))


async def open_tips_since(conn: AsyncConnection, unit_codes: Collection[str], since: datetime,
                          *, besides: int) -> Candidates:
    """The open tips of ``unit_codes`` filed since ``since``, but ``besides``: what a new tip is
    compared with (index ``ix_tips_unit_id_created_at``), oldest first."""
    rows = (await conn.execute(_OPEN_TIPS_SINCE, {
        "unit_keys": [c.upper() for c in unit_codes], "since": since,
        "open": TipState.OPEN.value, "besides": besides})).all()
    if not rows:
        return Candidates([], [], [], [], [], [], [])
    ids, codes, marked, plain, tokens, numbers = zip(*rows, strict=True)
    missing = [tip_id for tip_id, words in zip(ids, plain, strict=True) if words is None]
    if missing:
        def filled(column: tuple[str | None, ...]) -> list[str]:
            return [value or "" for value in column]
        marked, plain, tokens, numbers = (filled(c) for c in (marked, plain, tokens, numbers))
    return Candidates(ids, codes, marked, plain, tokens, numbers, missing)


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
