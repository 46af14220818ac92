"""Filing a finished draft as a tip: limits, a unique code, one commit, notices to officers.

SPEC §12: the tip is committed before its code is shown, and the notices to staff are written to
the outbox in the same transaction, so a crash after the commit still gets them sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncConnection

from storage import outbox, tip_senders
from storage import tips as tip_store
from tips.codes import new_code
from tips.context import TipsContext
from tips.intake import Draft, Step
from tips.limits import Refusal, refusal_for
from tips.model import Assessment, Tip, TipItem, TipState
from tips.notices import new_tip_notices
from tips.recipients import tip_recipients


class Filed(StrEnum):
    FILED = "filed"
    NO_DRAFT = "no_draft"
    EMPTY = "empty"
    REFUSED = "refused"


@dataclass(frozen=True)
class FilingResult:
    outcome: Filed
    code: str | None = None
    refusal: Refusal | None = None
    unit_code: str | None = None


async def _unique_code(conn: AsyncConnection) -> str:
    while True:
        code = new_code()
        if not await tip_store.code_exists(conn, code):
            return code


async def file_draft(ctx: TipsContext, sender: str, relay_link: str) -> FilingResult:
    now = ctx.clock.now()
    async with ctx.db.transaction() as conn:
        record = await tip_senders.load_draft(conn, sender)
        if record is None:
            return FilingResult(Filed.NO_DRAFT)
        draft = Draft.from_record(record)
        if draft.step is not Step.COLLECT or not draft.items or draft.unit_code is None:
            return FilingResult(Filed.EMPTY)
        refusal = await refusal_for(conn, sender, ctx.limits, now)
        if refusal is not None:
            return FilingResult(Filed.REFUSED, refusal=refusal)
        code = await _unique_code(conn)
        tip_id = await tip_store.insert_tip(
            conn, code=code, unit_code=draft.unit_code, category=draft.category or "other",
            sender=sender, bulletin_id=draft.bulletin_id, relay_link=relay_link,
            items=draft.items, now=now)
        await tip_senders.delete_draft(conn, sender)
        unit = ctx.directory.tree.find(draft.unit_code)
        # Built from what was just inserted: no need to read the row back.
        tip = Tip(tip_id, code, unit.code if unit else draft.unit_code,
                  draft.category or "other", sender, Assessment.UNASSESSED, TipState.OPEN, now,
                  draft.bulletin_id, None)
        await notify_new_tip(conn, ctx, tip, list(draft.items))
    ctx.wake_notifier()
    return FilingResult(Filed.FILED, code=code, unit_code=tip.unit_code)


async def notify_new_tip(conn: AsyncConnection, ctx: TipsContext, tip: Tip,
                         items: list[TipItem]) -> None:
    tree = ctx.directory.tree
    unit = tree.find(tip.unit_code)
    payloads = new_tip_notices(ctx.tr, ctx.anonymizer, tip, items,
                               unit_name=unit.name if unit else tip.unit_code,
                               category_label=ctx.category_label(tip.category), tz=ctx.tz)
    now = ctx.clock.now()
    for member in tip_recipients(tree, ctx.directory.all_staff(), tip.unit_code,
                                 ctx.settings.notify):
        for payload in payloads:
            await outbox.enqueue(conn, payload=payload, now=now, chat_id=member.telegram_id,
                                 tip_id=tip.id)
