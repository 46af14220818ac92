"""Filing a tip: limits, a unique code, one commit, the receipt.

SPEC §12: the tip is committed before its code is shown. Filing is what a resident waits on, so
it is one transaction of a handful of statements, run in one go (``Database.run_transaction``):
one query for everything known about the sender (remembered unit, block, counts, draft), the
inserts, the commit. The notices to officers are queued by the caller once the receipt is out
(``tips.staff_notices``): the tip is filed as awaiting them, so a crash in between still gets
them queued at the next start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import TELEGRAM
from storage import outbox, tip_media, tip_senders
from storage import tips as tip_store
from storage.tip_records import Assessment, ItemKind, Tip, TipItem, TipState
from storage.tip_senders import Standing
from tips.codes import new_code
from tips.context import TipsContext
from tips.intake import Draft, Step, filed_items, kept_item
from tips.limits import Refused, refused, windows


class Filed(StrEnum):
    FILED = "filed"
    NO_DRAFT = "no_draft"
    EMPTY = "empty"  # nothing to file: no part, or only texts nobody could see
    REFUSED = "refused"
    NEEDS_UNIT = "needs_unit"  # ``/tip text`` with no remembered unit: kept, the unit is asked


@dataclass(frozen=True)
class FilingResult:
    outcome: Filed
    code: str | None = None
    refused: Refused | None = None
    unit_code: str | None = None
    tip_id: int | None = None
    tip: Tip | None = None  # a filed tip and its parts: what its staff notices show
    items: tuple[TipItem, ...] = ()


@dataclass(frozen=True)
class _Content:
    unit_code: str
    category: str
    bulletin_id: int | None
    items: tuple[TipItem, ...]
    channel: str  # the channel it came in on (the reports count tips by channel)


async def _standing(conn: AsyncConnection, sender: str, now: datetime) -> Standing:
    return await tip_senders.standing_of(conn, sender, **windows(now))


async def file_text(ctx: TipsContext, sender: str, text: str, relay_link: str, *,
                    channel: str = TELEGRAM) -> FilingResult:
    """``/tip text``: category "other", filed at once with the remembered unit. Without one, the
    text waits in a draft for the unit button (``Filed.NEEDS_UNIT``). Any draft in progress is
    replaced, as ``/tip`` replaces it."""
    now = ctx.clock.now()
    item = kept_item(TipItem(ItemKind.TEXT, text=text))
    if item is None:
        return FilingResult(Filed.EMPTY)

    async def filing(conn: AsyncConnection) -> FilingResult:
        standing = await _standing(conn, sender, now)
        refusal = await refused(conn, sender, standing, ctx.limits, now)
        if refusal is not None:
            return FilingResult(Filed.REFUSED, refused=refusal)
        unit = ctx.directory.tree.find(standing.remembered_unit or "")
        if unit is None:
            draft = Draft(Step.UNIT_THEN_SUBMIT, None, "other", None, (item,))
            await tip_senders.save_draft(conn, sender, draft.to_record(), now)
            return FilingResult(Filed.NEEDS_UNIT)
        content = _Content(unit.code, "other", None, (item,), channel)
        result = await _file(conn, ctx, sender, relay_link, content, now)
        if standing.has_draft:
            await tip_senders.delete_draft(conn, sender)
        return result

    return await ctx.db.run_transaction(filing)


async def file_draft(ctx: TipsContext, sender: str, relay_link: str, *,
                     channel: str = TELEGRAM) -> FilingResult:
    now = ctx.clock.now()

    async def filing(conn: AsyncConnection) -> FilingResult:
        record = await tip_senders.load_draft(conn, sender)
        if record is None:
            return FilingResult(Filed.NO_DRAFT)
        draft = Draft.from_record(record)
        unit = ctx.directory.tree.find(draft.unit_code or "")
        items = filed_items(draft.items)
        if draft.step is not Step.COLLECT or not items or unit is None:
            return FilingResult(Filed.EMPTY)
        refusal = await refused(conn, sender, await _standing(conn, sender, now), ctx.limits, now)
        if refusal is not None:  # the draft stays, to be sent when they may
            return FilingResult(Filed.REFUSED, refused=refusal)
        content = _Content(unit.code, draft.category or "other", draft.bulletin_id, items,
                           channel)
        result = await _file(conn, ctx, sender, relay_link, content, now)
        await tip_senders.delete_draft(conn, sender)
        return result

    return await ctx.db.run_transaction(filing)


async def _file(conn: AsyncConnection, ctx: TipsContext, sender: str, relay_link: str,
                content: _Content, now: datetime) -> FilingResult:
    while True:  # 30 bits of code: a clash is rare, and the unique index tells at once
        code = new_code()
        tip_id = await tip_store.insert_tip(
            conn, code=code, unit_code=content.unit_code, category=content.category,
            sender=sender, bulletin_id=content.bulletin_id, relay_link=relay_link,
            items=content.items, now=now, channel=content.channel)
        if tip_id is not None:
            break
    # Files kept by the bot (sent on Zalo) become the tip's; no statement for a tip without.
    await tip_media.attach_to_tip(conn, tip_id, content.items)
    # Built from what was just inserted: no need to read the row back.
    tip = Tip(tip_id, code, content.unit_code, content.category, sender, Assessment.UNASSESSED,
              TipState.OPEN, now, content.bulletin_id, None)
    return FilingResult(Filed.FILED, code=code, unit_code=tip.unit_code, tip_id=tip_id, tip=tip,
                        items=content.items)


async def queue_receipt(ctx: TipsContext, result: FilingResult, payload: dict[str, Any],
                        relay_link: str) -> None:
    """The receipt could not be sent directly: the outbox sends it through the relay link, so
    the tipster still learns their code (a lost answer may mean it arrives twice, with the same
    code; a tipster without their code could never follow their tip)."""
    async with ctx.db.transaction() as conn:
        await outbox.enqueue(conn, payload=payload, now=ctx.clock.now(), relay_link=relay_link,
                             tip_id=result.tip_id)
    ctx.wake_notifier()
