"""Two-way follow-up and ``/status`` (SPEC §3.4, §3.6).

A code alone reveals nothing: the tipster who filed a tip and staff of its unit get its status;
anyone else gets the same answer as for a code that does not exist, and repeated misses from one
pseudonym are locked out for a while.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from storage import outbox, tip_senders
from storage import tips as tip_store
from tips.codes import parse_code
from tips.context import TipsContext
from tips.model import Direction, ThreadEntry, Tip, TipItem
from tips.recipients import tip_recipients


class Lookup(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    LOCKED = "locked"


@dataclass(frozen=True)
class StatusView:
    lookup: Lookup
    tip: Tip | None = None
    thread: tuple[ThreadEntry, ...] = ()
    as_staff: bool = False
    items: tuple[TipItem, ...] = ()  # the content, for staff (the tipster wrote it)


async def view_status(ctx: TipsContext, code_text: str, *, sender: str,
                      member: StaffMember | None) -> StatusView:
    now = ctx.clock.now()
    if ctx.guesses.locked(sender, now):
        return StatusView(Lookup.LOCKED)
    code = parse_code(code_text)
    if code is not None:
        async with ctx.db.reading() as conn:
            tip = await tip_store.find_tip(conn, code)
            as_staff = tip is not None and member is not None and may_act_on_unit(
                member, tip.unit_code, ctx.directory.tree, Role.EDITOR)
            if tip is not None and (as_staff or tip.sender == sender):
                thread = tuple(await tip_store.thread_of(conn, tip.id))
                items = tuple(await tip_store.tip_items_of(conn, tip.id)) if as_staff else ()
                return StatusView(Lookup.FOUND, tip, thread, as_staff=as_staff, items=items)
    ctx.guesses.miss(sender, now)
    return StatusView(Lookup.NOT_FOUND)


async def tipster_adds(ctx: TipsContext, sender: str, code_text: str, text: str) -> StatusView:
    """The tipster answers a question or adds to their tip; the officers get it as a notice."""
    view = await view_status(ctx, code_text, sender=sender, member=None)
    if view.tip is None or view.tip.sender != sender:
        return StatusView(Lookup.NOT_FOUND if view.lookup is Lookup.FOUND else view.lookup)
    tip = view.tip
    now = ctx.clock.now()
    async with ctx.db.reading() as conn:
        if await tip_senders.blocked_until(conn, sender, now) is not None:
            return StatusView(Lookup.NOT_FOUND)  # a blocked sender cannot flood officers
    payload = {"text": ctx.tr("triage.tipster_added", code=tip.code, text=text)[:4096]}
    async with ctx.db.transaction() as conn:
        await tip_store.add_thread_entry(conn, tip.id, Direction.FROM_TIPSTER, text, None, now)
        for member in tip_recipients(ctx.directory.tree, ctx.directory.all_staff(),
                                     tip.unit_code, ctx.settings.notify):
            await outbox.enqueue(conn, payload=payload, now=now, chat_id=member.telegram_id,
                                 tip_id=tip.id)
    ctx.wake_notifier()
    return view
