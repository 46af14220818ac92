"""The tip flow in a private chat (SPEC §3), as a state machine over a stored draft.

Steps: choose the unit (remembered for next time) → choose a category → send text and/or
media over several messages → submit. ``/tip text`` files at once with the remembered unit
(``tips.filing.file_text``), or waits here for the unit (``Step.UNIT_THEN_SUBMIT``). The
draft lives in the database under the sender's pseudonym, so a half-written tip survives a
restart. The sender arrives here as a pseudonym and a sealed relay link, computed at the edge;
this module never sees who they are.

What a part keeps (:func:`kept_item`): the tipster's words without bidi overrides and control
characters (staff read them, and PostgreSQL cannot store NUL), and only if something of them is
visible: a text of zero-width spaces is no part of a tip (SPEC §12). An edit of a message that is
a part of the draft replaces that part (:meth:`Intake.replace_item`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from org.units import Unit, UnitTree
from storage import bulletins as bulletin_store
from storage import tip_senders
from storage.db import Database
from storage.tip_records import ItemKind, TipItem
from storage.tip_senders import DraftRecord
from tips.limits import Refused, TipLimits, refused_at_start
from tips.visible_text import for_staff, has_visible_text

MAX_ITEMS = 20  # a tip is a few messages; more is a flood, not a report
T = TypeVar("T")


class Step(StrEnum):
    UNIT = "unit"
    CATEGORY = "category"
    COLLECT = "collect"
    UNIT_THEN_SUBMIT = "unit_submit"  # /tip text without a remembered unit


@dataclass(frozen=True)
class Draft:
    step: Step
    unit_code: str | None
    category: str | None
    bulletin_id: int | None
    items: tuple[TipItem, ...]

    @classmethod
    def from_record(cls, record: DraftRecord) -> Draft:
        return cls(Step(record.step), record.unit_code, record.category, record.bulletin_id,
                   record.items)

    def to_record(self) -> DraftRecord:
        return DraftRecord(self.step.value, self.unit_code, self.category, self.bulletin_id,
                           self.items)


class ItemAdded(StrEnum):
    ADDED = "added"
    FULL = "full"
    NO_DRAFT = "no_draft"
    INVISIBLE = "invisible"  # a text with nothing to see: not stored


class ItemEdited(StrEnum):
    REPLACED = "replaced"
    REMOVED = "removed"  # edited down to nothing visible: the part is dropped
    NOT_IN_DRAFT = "not_in_draft"


def kept_item(item: TipItem) -> TipItem | None:
    """The part as the draft and the tip keep it, or None for a text nobody could see."""
    text = for_staff(item.text) if item.text is not None else None
    visible = has_visible_text(text)
    if item.kind is ItemKind.TEXT:
        return replace(item, text=text) if visible else None
    return replace(item, text=text if visible else None)


def filed_items(items: tuple[TipItem, ...]) -> tuple[TipItem, ...]:
    """What a tip is filed with: the visible parts, without the draft's message ids."""
    kept = (kept_item(item) for item in items)
    return tuple(replace(item, message_id=None) for item in kept if item is not None)


class Intake:
    def __init__(self, db: Database, clock: Clock, categories: tuple[str, ...],
                 tree: UnitTree, limits: TipLimits) -> None:
        self._db = db
        self._clock = clock
        self._categories = categories
        self._limits = limits
        self.tree = tree

    # Every step below is one transaction run in one go (``Database.run_transaction``: on a
    # SQLite file, inline on the event loop's thread), reading the draft and writing it back
    # together: through aiosqlite each statement is three or four trips to its thread, and a
    # guided tip is a dozen steps (bench/tip_intake_paths.py).

    async def refused_at_start(self, sender: str) -> Refused | None:
        """Checked before a flow starts: over a limit or blocked, nothing is begun (and a draft
        already being written is kept for when they may send it)."""
        async def check(conn: AsyncConnection) -> Refused | None:
            return await refused_at_start(conn, sender, self._limits, self._clock.now())

        return await self._db.run_transaction(check)

    def selectable_unit(self, code: str | None) -> Unit | None:
        return self.tree.find(code) if code else None

    async def draft_of(self, sender: str) -> Draft | None:
        async def load(conn: AsyncConnection) -> Draft | None:
            record = await tip_senders.load_draft(conn, sender)
            return Draft.from_record(record) if record else None

        return await self._db.run_transaction(load)

    async def latest_tip_code(self, sender: str) -> str | None:
        async with self._db.reading() as conn:
            return await tip_senders.latest_tip_code(conn, sender)

    async def remembered_unit(self, sender: str) -> Unit | None:
        async with self._db.reading() as conn:
            code = await tip_senders.remembered_unit(conn, sender)
        return self.selectable_unit(code)

    async def _change(self, sender: str,
                      change: Callable[[AsyncConnection, Draft | None], Awaitable[T]]) -> T:
        """``change(conn, draft)`` in one transaction with the sender's draft as stored."""
        async def body(conn: AsyncConnection) -> T:
            record = await tip_senders.load_draft(conn, sender)
            return await change(conn, Draft.from_record(record) if record else None)

        return await self._db.run_transaction(body)

    async def _save(self, conn: AsyncConnection, sender: str, draft: Draft) -> Draft:
        await tip_senders.save_draft(conn, sender, draft.to_record(), self._clock.now())
        return draft

    async def begin(self, sender: str, *, unit_code: str | None = None,
                    bulletin_id: int | None = None) -> Draft:
        """Start (or restart) a tip. A unit given by a deep link wins over the remembered one."""
        started = await self._begin(sender, unit_code, bulletin_id, limits=False,
                                    unit_of_bulletin=False)
        assert isinstance(started, Draft)
        return started

    async def begin_unless_refused(self, sender: str, *, unit_code: str | None = None,
                                   bulletin_id: int | None = None,
                                   unit_of_bulletin: bool = False) -> Draft | Refused:
        """:meth:`refused_at_start`, then :meth:`begin` if nothing refuses, in one transaction.
        ``unit_of_bulletin``: the unit is the one the bulletin ``bulletin_id`` came from."""
        return await self._begin(sender, unit_code, bulletin_id, limits=True,
                                 unit_of_bulletin=unit_of_bulletin)

    async def _begin(self, sender: str, unit_code: str | None, bulletin_id: int | None, *,
                     limits: bool, unit_of_bulletin: bool) -> Draft | Refused:
        async def body(conn: AsyncConnection) -> Draft | Refused:
            if limits:
                refused = await refused_at_start(conn, sender, self._limits, self._clock.now())
                if refused is not None:
                    return refused
            code = unit_code
            if unit_of_bulletin and bulletin_id is not None:
                record = await bulletin_store.find_bulletin(conn, bulletin_id)
                code = record.unit_code if record else None
            linked = self.selectable_unit(code)
            if linked is not None:
                await tip_senders.remember_unit(conn, sender, linked.code, self._clock.now())
                unit: Unit | None = linked
            else:
                unit = self.selectable_unit(await tip_senders.remembered_unit(conn, sender))
            step = Step.CATEGORY if unit else Step.UNIT
            return await self._save(conn, sender, Draft(step, unit.code if unit else None, None,
                                                        bulletin_id, ()))

        return await self._db.run_transaction(body)

    async def choose_unit(self, sender: str, unit_code: str) -> tuple[Draft | None, bool]:
        """The draft with its unit set, and whether to file it now (``/tip text`` waited only
        for the unit). An old unit button pressed while writing never files anything."""
        unit = self.selectable_unit(unit_code)

        async def change(conn: AsyncConnection,
                         draft: Draft | None) -> tuple[Draft | None, bool]:
            if draft is None or unit is None or draft.step not in (Step.UNIT,
                                                                   Step.UNIT_THEN_SUBMIT):
                return None, False
            submit_now = draft.step is Step.UNIT_THEN_SUBMIT
            step = Step.COLLECT if submit_now or draft.category else Step.CATEGORY
            await tip_senders.remember_unit(conn, sender, unit.code, self._clock.now())
            saved = await self._save(conn, sender, replace(draft, step=step, unit_code=unit.code))
            return saved, submit_now

        return await self._change(sender, change)

    async def change_unit(self, sender: str) -> Draft | None:
        async def change(conn: AsyncConnection, draft: Draft | None) -> Draft | None:
            if draft is None:
                return None
            step = Step.UNIT_THEN_SUBMIT if draft.step is Step.UNIT_THEN_SUBMIT else Step.UNIT
            return await self._save(conn, sender, replace(draft, step=step))

        return await self._change(sender, change)

    async def choose_category(self, sender: str, category: str) -> Draft | None:
        async def change(conn: AsyncConnection, draft: Draft | None) -> Draft | None:
            if draft is None or draft.unit_code is None or category not in self._categories:
                return None
            return await self._save(conn, sender,
                                    replace(draft, step=Step.COLLECT, category=category))

        return await self._change(sender, change)

    async def add_item(self, sender: str, item: TipItem) -> tuple[ItemAdded, Draft | None]:
        kept = kept_item(item)

        async def change(conn: AsyncConnection,
                         draft: Draft | None) -> tuple[ItemAdded, Draft | None]:
            if draft is None or draft.step is not Step.COLLECT:
                return ItemAdded.NO_DRAFT, draft
            if kept is None:
                return ItemAdded.INVISIBLE, draft
            if len(draft.items) >= MAX_ITEMS:
                return ItemAdded.FULL, draft
            return ItemAdded.ADDED, await self._save(conn, sender,
                                                     replace(draft, items=(*draft.items, kept)))

        return await self._change(sender, change)

    async def replace_item(self, sender: str, item: TipItem) -> tuple[ItemEdited, int]:
        """The tipster edited the message ``item.message_id``: if it is a part of their draft,
        that part becomes ``item``. Returns what happened and the part's number (1-based)."""
        kept = kept_item(item)

        async def change(conn: AsyncConnection,
                         draft: Draft | None) -> tuple[ItemEdited, int]:
            if draft is None or item.message_id is None:
                return ItemEdited.NOT_IN_DRAFT, 0
            position = next((n for n, old in enumerate(draft.items)
                             if old.message_id == item.message_id), None)
            if position is None:
                return ItemEdited.NOT_IN_DRAFT, 0
            items = list(draft.items)
            if kept is None:
                del items[position]
            else:
                items[position] = kept
            await self._save(conn, sender, replace(draft, items=tuple(items)))
            return (ItemEdited.REMOVED if kept is None else ItemEdited.REPLACED), position + 1

        return await self._change(sender, change)

    async def cancel(self, sender: str) -> bool:
        async def body(conn: AsyncConnection) -> bool:
            return await tip_senders.delete_draft(conn, sender)

        return await self._db.run_transaction(body)
