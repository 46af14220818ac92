"""Two-way follow-up and ``/status`` (SPEC §3.4, §3.6).

A code alone reveals nothing: the tipster who filed a tip and officers and admins of its unit
(and above) get its status; anyone else gets the same answer as for a code that does not exist,
and repeated misses from one pseudonym are locked out for a while. Tips are need-to-know (SPEC
§12): an editor gets the tipster's view of a tip they filed themselves, and for any other code,
existing or not, the one refusal that names the role needed.

A tipster's follow-ups (``/reply``, answers to a question) are limited per pseudonym to
``tips.max_followups_per_hour``, across their tips, so officers are never flooded; beyond it
they are told when they may write again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from org.roles import Role, role_allows
from org.staff import StaffMember, may_act_on_unit
from storage import cases as case_store
from storage import outbox, tip_senders
from storage import tips as tip_store
from storage.audit import AuditEntry, entries_for
from storage.tip_records import Direction, ThreadEntry, Tip, TipItem
from tips.codes import parse_code
from tips.context import TipsContext
from tips.notices import say
from tips.recipients import tip_recipients
from tips.visible_text import for_staff

FOLLOWUP_WINDOW = timedelta(hours=1)


class Lookup(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    LOCKED = "locked"
    NEEDS_OFFICER = "needs_officer"  # staff below officer: the role refusal, whatever the code
    TOO_MANY = "too_many"  # follow-ups beyond tips.max_followups_per_hour


@dataclass(frozen=True)
class StatusView:
    lookup: Lookup
    tip: Tip | None = None
    thread: tuple[ThreadEntry, ...] = ()
    as_staff: bool = False
    items: tuple[TipItem, ...] = ()  # the content, for staff (the tipster wrote it)
    undelivered: tuple[outbox.UndeliveredNotice, ...] = ()  # for staff
    write_again_at: datetime | None = None  # with TOO_MANY
    actions: tuple[AuditEntry, ...] = ()  # who did what to the tip, for staff (the audit log)
    # For staff: the tips merged with this one that they may see, and how many the case holds
    # (SPEC §15); a tipster never learns that others reported.
    case: tuple[Tip, ...] = ()
    case_size: int = 1


def _below_officer(member: StaffMember | None) -> bool:
    return member is not None and not role_allows(member.role, Role.OFFICER)


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
                member, tip.unit_code, ctx.directory.tree, Role.OFFICER)
            if tip is not None and (as_staff or tip.sender == sender):
                thread = tuple(await tip_store.thread_of(conn, tip.id))
                if not as_staff:  # the tipster sees what reached them, nothing else
                    thread = tuple(e for e in thread
                                   if e.direction is Direction.FROM_TIPSTER or e.reached_tipster)
                    return StatusView(Lookup.FOUND, tip, thread)
                items = tuple(await tip_store.tip_items_of(conn, tip.id))
                undelivered = tuple(await outbox.undelivered_to_tipster(conn, tip.id))
                actions = tuple(await entries_for(conn, f"tip:{tip.code}"))
                merged = await case_store.case_tips(conn, tip.id)
                seen = tuple(t for t in merged if may_act_on_unit(
                    member, t.unit_code, ctx.directory.tree, Role.OFFICER))
                return StatusView(Lookup.FOUND, tip, thread, as_staff=True, items=items,
                                  undelivered=undelivered, actions=actions, case=seen,
                                  case_size=len(merged))
    ctx.guesses.miss(sender, now)
    return StatusView(Lookup.NEEDS_OFFICER if _below_officer(member) else Lookup.NOT_FOUND)


async def tipster_adds(ctx: TipsContext, sender: str, code_text: str, text: str,
                       member: StaffMember | None = None) -> StatusView:
    """The tipster answers a question or adds to their tip; the officers get it as a notice.

    ``member`` is the writer's staff record when they have one (an editor may file tips too):
    it decides only which refusal they get for a code that is not theirs."""
    view = await view_status(ctx, code_text, sender=sender,
                             member=member if _below_officer(member) else None)
    if view.tip is None or view.tip.sender != sender:
        return StatusView(Lookup.NOT_FOUND if view.lookup is Lookup.FOUND else view.lookup)
    tip = view.tip
    now = ctx.clock.now()
    async with ctx.db.reading() as conn:
        if await tip_senders.blocked_until(conn, sender, now) is not None:
            return StatusView(Lookup.NOT_FOUND)  # a blocked sender cannot flood officers
    shown = for_staff(text)
    # Worded when sent, in the officer's channel's words (tips.notifier), not now.
    payload = {**say("triage.tipster_added", code=tip.code, text=shown), "label": tip.code}
    limit = ctx.settings.max_followups_per_hour
    # One chat's updates are handled in order (bot.update_order), so counting and adding in
    # one transaction cannot be raced by the same person.
    async with ctx.db.transaction() as conn:
        recent = await tip_store.followups_since(conn, sender, now - FOLLOWUP_WINDOW, limit)
        if len(recent) >= limit:
            return StatusView(Lookup.TOO_MANY, tip, write_again_at=recent[0] + FOLLOWUP_WINDOW)
        await tip_store.add_thread_entry(conn, tip.id, Direction.FROM_TIPSTER, text, None, now)
        for recipient in tip_recipients(ctx.directory.tree, ctx.directory.all_staff(),
                                        tip.unit_code, ctx.settings.notify):
            await outbox.enqueue(conn, payload=payload, now=now, address=recipient.address,
                                 tip_id=tip.id)
    ctx.wake_notifier()
    return view
