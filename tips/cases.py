"""Cases of merged tips (SPEC §15): many residents, one incident, one case.

Merged tips share one state and one assessment: assessing or closing any tip of a case does it to
every tip of the case, in one transaction, and each tipster hears it in the same neutral words as
for a tip on its own, naming their own code; nobody learns that others reported, or how many.
Merging and un-merging are officers' acts, checked against their scope (they must be able to see
both tips, SPEC §12) and written to the audit log. An outcome is recorded once, against the tip it
was typed for (``tips.outcomes``), and so counted once for the case.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from org.staff import StaffMember
from storage import cases as case_store
from storage import tips as tip_store
from storage.audit import record_action
from storage.tip_records import Assessment, Tip, TipState
from tips.context import TipsContext
from tips.triage import Done, TriageResult, tell_tipster

__all__ = ["Done", "assess_case", "close_case", "merge", "merge_in", "not_similar", "unmerge"]


async def _assess_all(conn: AsyncConnection, ctx: TipsContext, members: list[Tip],
                      assessment: Assessment, actor: Address | None) -> int:
    """Give every tip of ``members`` the ``assessment``; how many changed. A tipster whose open
    tip leaves "unassessed" hears it is being checked."""
    now = ctx.clock.now()
    changed = 0
    for tip in members:
        if tip.assessment is assessment:
            continue
        if not await tip_store.set_assessment(conn, tip.id, assessment, now, was=tip.assessment):
            continue
        changed += 1
        await record_action(conn, at=now, actor=actor, action="tip.assess",
                            subject=f"tip:{tip.code}", detail=assessment.value)
        if tip.assessment is Assessment.UNASSESSED and tip.state is TipState.OPEN:
            await tell_tipster(conn, ctx, tip, "tipster.being_checked")
    return changed


async def assess_case(ctx: TipsContext, member: StaffMember, tip: Tip,
                      assessment: Assessment) -> TriageResult:
    """``tip`` and every tip merged with it take ``assessment``. RACED when someone changed the
    tip that was pressed a moment before (then nothing is done)."""
    async with ctx.db.transaction() as conn:
        members = await case_store.case_tips(conn, tip.id)
        pressed = next((t for t in members if t.id == tip.id), None)
        if pressed is None or pressed.assessment is not tip.assessment:
            return TriageResult(Done.RACED, tip)
        if all(t.assessment is assessment for t in members):
            return TriageResult(Done.UNCHANGED, tip)
        await _assess_all(conn, ctx, members, assessment, member.address)
    ctx.wake_notifier()
    return TriageResult(Done.DONE, tip)


async def close_case(ctx: TipsContext, member: StaffMember, tip: Tip) -> TriageResult:
    """Close ``tip`` and every open tip merged with it; each tipster hears it once."""
    now = ctx.clock.now()
    expires = now + timedelta(days=ctx.settings.followup_days)
    async with ctx.db.transaction() as conn:
        closed = 0
        for each in await case_store.case_tips(conn, tip.id):
            if not await tip_store.close_tip(conn, each.id, now, expires):
                continue
            closed += 1
            await record_action(conn, at=now, actor=member.address, action="tip.close",
                                subject=f"tip:{each.code}")
            helped = each.assessment is Assessment.VALUABLE
            await tell_tipster(conn, ctx, each, "tipster.closed_helped" if helped
                               else "tipster.closed")
        if not closed:
            return TriageResult(Done.CLOSED, tip)
    ctx.wake_notifier()
    return TriageResult(Done.DONE, tip)


def _case_assessment(members: list[Tip]) -> Assessment:
    """The assessment a merged case keeps: its first assessed tip's."""
    return next((t.assessment for t in members if t.assessment is not Assessment.UNASSESSED),
                Assessment.UNASSESSED)


async def merge(ctx: TipsContext, member: StaffMember, tip: Tip, into: Tip) -> Done:
    """*Gộp*: merge ``tip`` (and any case it is part of) into ``into``'s case."""
    async with ctx.db.transaction() as conn:
        done = await merge_in(conn, ctx, member.address, tip, into)
    ctx.wake_notifier()
    return done


async def merge_in(conn: AsyncConnection, ctx: TipsContext, actor: Address | None, tip: Tip,
                   into: Tip) -> Done:
    """Merge in ``conn``'s transaction. Both must be open: a closed case was answered, and a tip
    merged into it would never be. ``actor`` None: merged without asking
    (``tips.similar_auto_merge``). The case keeps its first assessed tip's assessment."""
    moving = await case_store.case_tips(conn, tip.id)
    staying = await case_store.case_tips(conn, into.id)
    if any(t.state is not TipState.OPEN for t in (*moving, *staying)):
        return Done.CLOSED
    if await case_store.merge(conn, tip.id, into.id) is None:
        return Done.UNCHANGED
    await record_action(conn, at=ctx.clock.now(), actor=actor, action="tip.merge",
                        subject=f"tip:{tip.code}", detail=into.code)
    members = sorted((*staying, *moving), key=lambda t: t.id)
    assessment = _case_assessment(members)
    if assessment is not Assessment.UNASSESSED:
        await _assess_all(conn, ctx, members, assessment, actor)
    return Done.DONE


async def unmerge(ctx: TipsContext, member: StaffMember, tip: Tip) -> Done:
    """Take ``tip`` out of its case: it keeps its state and assessment, and goes on alone."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as conn:
        others = [t.code for t in await case_store.case_tips(conn, tip.id) if t.id != tip.id]
        if not await case_store.unmerge(conn, tip.id):
            return Done.UNCHANGED
        await record_action(conn, at=now, actor=member.address, action="tip.unmerge",
                            subject=f"tip:{tip.code}", detail=" ".join(others))
    return Done.DONE


async def not_similar(ctx: TipsContext, member: StaffMember, tip: Tip, other: Tip) -> bool:
    """*Không trùng* under a suggestion: written down (who judged them different). When the two
    are one case (merged without asking, or *Gộp* pressed by mistake), ``tip`` is taken out of
    it again: True then."""
    async with ctx.db.reading() as conn:
        merged = {t.id for t in await case_store.case_tips(conn, tip.id)}
    if other.id in merged and tip.id != other.id:
        return await unmerge(ctx, member, tip) is Done.DONE
    async with ctx.db.transaction() as conn:
        await record_action(conn, at=ctx.clock.now(), actor=member.address,
                            action="tip.not_similar", subject=f"tip:{tip.code}",
                            detail=other.code)
    return False
