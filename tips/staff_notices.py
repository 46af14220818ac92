"""Queueing a new tip's notices to the officers in scope (SPEC §4), as copies in the outbox.

Each officer's row says *a new tip* (``tips.notices.new_tip_event``); the notifier draws it for
the officer's channel when it sends it. Straight after the tipster's receipt, not before it:
rendering and writing the notices was a quarter of the time a resident waited. The tip was
filed as awaiting its notices, and the notices are queued in the same transaction that marks it
notified, so they are queued exactly once; a crash between the receipt and this leaves the tip
awaiting, and the next start queues them (:func:`queue_missing_staff_notices`).
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from org.staff import may_act_on_unit
from storage import outbox
from storage import tips as tip_store
from storage.tip_records import Tip
from tips import cases
from tips.context import TipsContext
from tips.filing import FilingResult
from tips.notices import NoticeWords, new_tip_event
from tips.recipients import tip_recipients
from tips.similar_tips import (
    Check,
    Similar,
    check_turn,
    find_similar,
    load_scoring,
    store_keys,
)

log = logging.getLogger(__name__)


def notice_words(ctx: TipsContext) -> NoticeWords:
    """What the notifier draws a new tip's notice with, from the tips context."""
    def unit_name(code: str) -> str:
        unit = ctx.directory.tree.find(code)  # the tree of now: units are renamed at runtime
        return unit.name if unit else code

    return NoticeWords(ctx.tr, ctx.anonymizer, ctx.tz, unit_name, ctx.category_label)


async def queue_staff_notices(ctx: TipsContext, result: FilingResult) -> None:
    """The notices of a tip just filed (``result``), then the outbox worker is woken for them."""
    tip = result.tip
    if tip is None:
        return

    # Compared with the open tips in the transaction that queues the notices (SPEC §15): one
    # go on SQLite (``Database.run_transaction``), where a reading connection took a dozen trips
    # to aiosqlite's thread per tip. The scoring runs on the event loop either way, so holding
    # SQLite's writer meanwhile keeps no other writer of the bot waiting longer. The scoring
    # module is imported first (off the loop, the first time): nothing in the body may wait.
    await load_scoring()

    async def queueing(conn: AsyncConnection) -> tuple[Address, ...]:
        if not await tip_store.claim_staff_notices(conn, tip.id):
            return ()
        return await _enqueue(conn, ctx, tip, await find_similar(conn, ctx, tip, result.items))

    async with check_turn(ctx.db):
        recipients = await ctx.db.run_transaction(queueing)
    ctx.wake_notifier(recipients)


async def queue_missing_staff_notices(ctx: TipsContext) -> int:
    """At start-up: the notices of tips a crash caught between their receipt and their notices."""
    queued = 0
    async with ctx.db.transaction() as conn:
        for tip_id in await tip_store.tips_awaiting_staff_notices(conn):
            tip = await tip_store.find_tip_by_id(conn, tip_id)
            if tip is None or not await tip_store.claim_staff_notices(conn, tip_id):
                continue
            items = await tip_store.tip_items_of(conn, tip_id)
            await _enqueue(conn, ctx, tip, await find_similar(conn, ctx, tip, items))
            queued += 1
    if queued:
        log.info("staff notices of %d tip(s) interrupted by a restart were queued", queued)
        ctx.wake_notifier()
    return queued


async def _enqueue(conn: AsyncConnection, ctx: TipsContext, tip: Tip,
                   check: Check) -> tuple[Address, ...]:
    tree = ctx.directory.tree
    recipients = tip_recipients(tree, ctx.directory.all_staff(), tip.unit_code,
                                ctx.settings.notify)
    await store_keys(conn, tip, check)
    similar = check.similar
    merged = similar is not None and await _merged_without_asking(conn, ctx, tip, similar)
    plain = new_tip_event(tip.id)
    with_similar = new_tip_event(tip.id, similar=similar, merged=merged)
    # SPEC §12, need-to-know: only who may see both tips hears that they look alike.
    await outbox.enqueue_many(conn, [
        (member.address, with_similar if similar is not None and may_act_on_unit(
            member, similar.unit_code, tree) else plain) for member in recipients],
        now=ctx.clock.now(), tip_id=tip.id)
    return tuple(member.address for member in recipients)


async def _merged_without_asking(conn: AsyncConnection, ctx: TipsContext, tip: Tip,
                                 similar: Similar) -> bool:
    """``tips.similar_auto_merge`` (off unless an officer turns it on): alike enough, merged
    at once; the notice says so and offers *Không trùng* to undo it."""
    threshold = ctx.settings.similar_auto_merge
    if not threshold or similar.score < threshold:
        return False
    into = await tip_store.find_tip_by_id(conn, similar.tip_id)
    return into is not None and await cases.merge_in(conn, ctx, None, tip, into) is cases.Done.DONE
