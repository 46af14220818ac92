"""Officers' actions on a tip: assess, close, block the sender, ask a question (SPEC §4).

Every action is checked against the officer's scope, written to the audit log in the same
transaction, and, where the tipster should hear of it, queued for them in neutral words: they
learn "being checked" and "closed" ("your information helped" when it was valuable), never the
internal assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from storage import outbox, tip_senders
from storage import tips as tip_store
from storage.audit import record_action
from storage.tip_records import Assessment, Delivery, Direction, Tip, TipState
from tips.codes import parse_code
from tips.context import TipsContext
from tips.notices import tipster_notice
from tips.questions import question_event


class Done(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"  # unknown code, or outside the member's scope: the same answer
    CLOSED = "closed"
    RELAY_GONE = "relay_gone"
    RACED = "raced"  # someone else changed it a moment before: nothing done


@dataclass(frozen=True)
class TriageResult:
    done: Done
    tip: Tip | None = None


async def tip_for_staff(ctx: TipsContext, member: StaffMember, code_text: str,
                        needed: Role = Role.OFFICER) -> Tip | None:
    """The tip, when ``member`` may act on it (tips are need-to-know: officers and admins of
    its unit and above, SPEC §12); None for an unknown code and a tip out of reach alike."""
    code = parse_code(code_text)
    if code is None:
        return None
    async with ctx.db.reading() as conn:
        tip = await tip_store.find_tip(conn, code)
    if tip is None or not may_act_on_unit(member, tip.unit_code, ctx.directory.tree, needed):
        return None
    return tip


async def tip_by_id_for_staff(ctx: TipsContext, member: StaffMember, tip_id: int,
                              needed: Role = Role.OFFICER) -> Tip | None:
    async with ctx.db.reading() as conn:
        tip = await tip_store.find_tip_by_id(conn, tip_id)
    if tip is None or not may_act_on_unit(member, tip.unit_code, ctx.directory.tree, needed):
        return None
    return tip


def _to_tipster(ctx: TipsContext, tip: Tip, key: str, **params: object) -> dict[str, Any]:
    """A message to the tipster: its words, the code each part names if it has to be split,
    and which message it is (``/status`` names it if it fails)."""
    return {**tipster_notice(ctx.tr, key, code=tip.code, **params), "label": tip.code,
            "about": key}


async def _tell_tipster(conn: AsyncConnection, ctx: TipsContext, tip: Tip, key: str) -> None:
    now = ctx.clock.now()
    payload = _to_tipster(ctx, tip, key)
    link = await tip_store.live_relay_link_of(conn, tip.id, now)
    if link is None:  # kept as undelivered, for /status, rather than silently not sent
        await outbox.record_undeliverable(conn, payload=payload, now=now, tip_id=tip.id,
                                          failure=Delivery.LINK_EXPIRED.value)
        return
    await outbox.enqueue(conn, payload=payload, now=now, relay_link=link, tip_id=tip.id)


# A case of merged tips tells each of its tipsters the same way (tips.cases).
tell_tipster = _tell_tipster


async def assess(ctx: TipsContext, member: StaffMember, tip: Tip,
                 assessment: Assessment) -> TriageResult:
    if tip.assessment is assessment:
        return TriageResult(Done.UNCHANGED, tip)
    now = ctx.clock.now()
    async with ctx.db.transaction() as conn:
        if not await tip_store.set_assessment(conn, tip.id, assessment, now,
                                              was=tip.assessment):
            return TriageResult(Done.RACED, tip)
        await record_action(conn, at=now, actor=member.address, action="tip.assess",
                            subject=f"tip:{tip.code}", detail=assessment.value)
        if tip.assessment is Assessment.UNASSESSED and tip.state is TipState.OPEN:
            await _tell_tipster(conn, ctx, tip, "tipster.being_checked")
    ctx.wake_notifier()
    return TriageResult(Done.DONE, tip)


async def close(ctx: TipsContext, member: StaffMember, tip: Tip) -> TriageResult:
    now = ctx.clock.now()
    expires = now + timedelta(days=ctx.settings.followup_days)
    async with ctx.db.transaction() as conn:
        if not await tip_store.close_tip(conn, tip.id, now, expires):
            return TriageResult(Done.CLOSED, tip)
        await record_action(conn, at=now, actor=member.address, action="tip.close",
                            subject=f"tip:{tip.code}")
        current = await tip_store.find_tip_by_id(conn, tip.id)
        helped = current is not None and current.assessment is Assessment.VALUABLE
        await _tell_tipster(conn, ctx, tip, "tipster.closed_helped" if helped
                            else "tipster.closed")
    ctx.wake_notifier()
    return TriageResult(Done.DONE, tip)


async def block_sender(ctx: TipsContext, member: StaffMember, tip: Tip) -> TriageResult:
    now = ctx.clock.now()
    until = now + timedelta(days=ctx.settings.block_days)
    async with ctx.db.transaction() as conn:
        await tip_senders.block_sender(conn, tip.sender, until, tip.id, member.address, now)
        await record_action(conn, at=now, actor=member.address, action="tip.block",
                            subject=f"tip:{tip.code}", detail=f"{ctx.settings.block_days}d")
    return TriageResult(Done.DONE, tip)


async def ask_tipster(ctx: TipsContext, member: StaffMember, tip: Tip,
                      question: str) -> TriageResult:
    """Queue the question (``DONE``: it is on its way, not yet delivered; the officer hears if it
    fails), or, once the follow-up window is over, record it as not delivered (``RELAY_GONE``)."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as conn:
        link = await tip_store.live_relay_link_of(conn, tip.id, now)
        delivery = Delivery.PENDING if link is not None else Delivery.LINK_EXPIRED
        entry_id = await tip_store.add_thread_entry(conn, tip.id, Direction.TO_TIPSTER,
                                                    question, member.address, now, delivery)
        await record_action(conn, at=now, actor=member.address, action="tip.ask",
                            subject=f"tip:{tip.code}",
                            detail="" if link is not None else delivery.value)
        if link is None:
            return TriageResult(Done.RELAY_GONE, tip)
        # What happened, drawn when sent in the words of the tipster's channel (tips.questions).
        await outbox.enqueue(conn, payload=question_event(tip.code, question), now=now,
                             relay_link=link, tip_id=tip.id, thread_entry_id=entry_id)
    ctx.wake_notifier()
    return TriageResult(Done.DONE, tip)
