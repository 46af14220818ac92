"""The text of ``/status``: a tip's state for its tipster, or the tip, its parts and its thread
for staff (SPEC §3.3, §4). Texts come from the catalogue; every word a tipster wrote reaches staff
through ``tips.visible_text.for_staff``. Splitting a long text is the channel's job (the answer
carries the tip's code as the label each part repeats).
"""

from __future__ import annotations

from storage.audit import AuditEntry
from storage.tip_records import (
    Assessment,
    Delivery,
    Direction,
    ItemKind,
    ThreadEntry,
    TipItem,
    TipState,
)
from tips.context import TipsContext
from tips.followup import StatusView
from tips.notices import local_time
from tips.relay_delivery import reason_text
from tips.visible_text import for_staff

CONTENT_LIMIT = 3000  # of a message's 4096 characters: room left for the header and thread
# Which message to the tipster a failed notice was, by the catalogue key it was written from.
NOTICE_NAMES = {"tipster.being_checked": "relay.notice.being_checked",
                "tipster.closed": "relay.notice.closed",
                "tipster.closed_helped": "relay.notice.closed"}
# The acts on a tip the audit log records, each with words in the catalogue (audit.action.*).
TIP_ACTIONS = ("tip.assess", "tip.close", "tip.block", "tip.ask", "tip.outcome", "tip.merge",
               "tip.unmerge", "tip.not_similar")
_ASSESSMENTS = {a.value for a in Assessment}


def _state_for_tipster(view: StatusView) -> str:
    tip = view.tip
    if tip.state is TipState.CLOSED:
        return "status.state_closed"
    return "status.state_received" if tip.assessment is Assessment.UNASSESSED else (
        "status.state_checking")


def render_content(ctx: TipsContext, items: tuple[TipItem, ...]) -> str:
    """What the tipster sent, for staff: the texts, and each file named by its type (the file
    itself is in the notice that came with the tip)."""
    tr = ctx.tr
    lines = [tr("status.content_header")]
    for item in items:
        if item.kind is ItemKind.TEXT:
            lines.append(for_staff(item.text or ""))
        elif item.kind is ItemKind.LOCATION:
            lines.append(tr("status.content_location", place=item.file_id or ""))
        else:
            kind = tr("media_kind." + item.kind.value)
            lines.append(tr("status.content_media", kind=kind, caption=for_staff(item.text))
                         if item.text else tr("status.content_media_bare", kind=kind))
    content = "\n".join(lines)
    return content if len(content) <= CONTENT_LIMIT else content[:CONTENT_LIMIT - 1] + "…"


def render_thread_entry(ctx: TipsContext, entry: ThreadEntry, *, as_staff: bool) -> str:
    """One line of the thread; for staff, a question says whether it reached the tipster."""
    tr, when = ctx.tr, local_time(entry.at, ctx.tz)
    if entry.direction is Direction.FROM_TIPSTER:
        text = for_staff(entry.text) if as_staff else entry.text
        return tr("status.thread_from_tipster", time=when, text=text)
    if as_staff and entry.delivery is Delivery.PENDING:
        return tr("relay.thread_question_pending", time=when, text=entry.text)
    if as_staff and entry.delivery is not None and entry.delivery.undelivered:
        return tr("relay.thread_question_undelivered", time=when, text=entry.text,
                  reason=reason_text(tr, entry.delivery))
    return tr("status.thread_to_tipster", time=when, text=entry.text)


def render_undelivered(ctx: TipsContext, view: StatusView) -> list[str]:
    """State messages and receipts that did not reach the tipster, one line each."""
    tr = ctx.tr
    return [tr("relay.notice_undelivered", time=local_time(notice.at, ctx.tz),
               notice=tr(NOTICE_NAMES.get(notice.about or "", "relay.notice.other")),
               reason=reason_text(tr, Delivery(notice.failure)))
            for notice in view.undelivered]


def _action_words(ctx: TipsContext, entry: AuditEntry) -> str:
    if entry.action == "tip.assess" and entry.detail in _ASSESSMENTS:
        return ctx.tr("status.audit.assessed", assessment=ctx.tr("assessment." + entry.detail))
    return ctx.tr("audit.action." + entry.action.replace(".", "_"))


def _who(ctx: TipsContext, entry: AuditEntry) -> str:
    """The role the staff member holds now and their id (a removed one is "former staff")."""
    assert entry.actor is not None
    member = ctx.directory.staff_member(entry.actor)
    if member is None:
        return ctx.tr("status.audit.who_former", id=entry.actor.id)
    return ctx.tr("status.audit.who", role=ctx.tr("roles." + member.role.value),
                  id=entry.actor.id)


def render_actions(ctx: TipsContext, view: StatusView) -> list[str]:
    """Who took each action on the tip, from the audit log (staff only, SPEC §14)."""
    shown = [e for e in view.actions if e.actor is not None and e.action in TIP_ACTIONS]
    if not shown:
        return []
    return [ctx.tr("status.audit.header")] + [
        ctx.tr("status.audit.line", time=local_time(e.at, ctx.tz), who=_who(ctx, e),
               action=_action_words(ctx, e)) for e in shown]


def render_status(ctx: TipsContext, view: StatusView) -> str:
    tr, tip = ctx.tr, view.tip
    when = local_time(tip.created_at, ctx.tz)
    if view.as_staff:
        lines = [tr("status.staff", code=tip.code, unit=tip.unit_code,
                    category=ctx.category_label(tip.category), time=when,
                    assessment=tr("assessment." + tip.assessment.value),
                    state=tr("state." + tip.state.value))]
        if view.case_size > 1:
            # The case's tips this member may see (SPEC §12: need-to-know), and how many in all.
            lines.append(tr("status.case", count=view.case_size,
                            codes=", ".join(t.code for t in view.case)))
        lines.append(render_content(ctx, view.items))
    else:
        lines = [tr("status.tipster", code=tip.code, time=when,
                    state=tr(_state_for_tipster(view)))]
    if view.thread:
        lines.append(tr("status.thread_header"))
        lines += [render_thread_entry(ctx, entry, as_staff=view.as_staff)
                  for entry in view.thread]
    lines += render_undelivered(ctx, view)
    if view.as_staff:
        lines += render_actions(ctx, view)
    return "\n".join(lines)
