"""Messages to staff about bulletins: approval requests, delivery summaries, uncertain copies,
an empty queue, groups below the weekly target. Who gets them, and what they say."""

from __future__ import annotations

from collections.abc import Sequence

from core.address import Address
from core.i18n import t
from core.outbound import Button, OutboundMessage
from org.directory import Directory
from org.roles import Role
from storage.bulletins import BulletinRecord
from storage.deliveries import FAILED, SENT, UNCERTAIN, DeliveryLine
from storage.sms_subscribers import SMS_CHANNEL

from .callbacks import APPROVE, FORCE, REMOVE, RESEND
from .compliance import GroupWeek
from .slots import SlotRun

MAX_LISTED = 10  # a summary lists this many failed groups, then says how many more



def officers_for_unit(directory: Directory, unit_code: str) -> list[Address]:
    """The unit's own officers; failing that, the nearest unit above with officers; failing
    that, the admins - a notice must reach somebody."""
    tree = directory.tree
    staff = directory.all_staff()
    for unit in [tree.find(unit_code), *tree.ancestors(unit_code)]:
        if unit is None:
            continue
        found = [m.address for m in staff
                 if m.role is Role.OFFICER and m.unit_code == unit.code]
        if found:
            return found
    return [m.address for m in staff if m.role is Role.ADMIN]


def approval_request(language: str, bulletin: BulletinRecord) -> OutboundMessage:
    text = t(language, "bulletins.notice.approval_request", id=bulletin.id,
             unit=bulletin.unit_code, topic=t(language, "bulletins.topics." + bulletin.topic),
             body=bulletin.body[:1500])
    return OutboundMessage(text, buttons=((
        Button(t(language, "bulletins.button.approve", id=bulletin.id),
               callback=f"{APPROVE}{bulletin.id}"),
        Button(t(language, "bulletins.button.remove", id=bulletin.id),
               callback=f"{REMOVE}{bulletin.id}"),
    ),))


def _resend_button(language: str, dispatch_id: int, count: int, *,
                   with_sms: bool = False) -> tuple[tuple[Button, ...], ...]:
    key = "bulletins.button.resend_with_sms" if with_sms else "bulletins.button.resend"
    return ((Button(t(language, key, count=count), callback=f"{RESEND}{dispatch_id}"),),)


def _failures(language: str, heading: str, failed: Sequence[DeliveryLine]) -> list[str]:
    if not failed:
        return []
    parts = [t(language, heading, count=len(failed))]
    parts.extend(t(language, "bulletins.notice.summary_failed_line", title=line.group_title,
                   reason=line.last_error or "?") for line in failed[:MAX_LISTED])
    if len(failed) > MAX_LISTED:
        parts.append(t(language, "bulletins.notice.summary_more", count=len(failed) - MAX_LISTED))
    return parts


def delivery_summary(language: str, dispatch_id: int, unit_code: str,
                     lines: Sequence[DeliveryLine], acknowledged: int) -> OutboundMessage:
    """Sent n/N groups (and, where SMS subscribers were among them, n/N SMS subscribers, told
    apart: an officer reads "người nhận SMS", not "nhóm", for a phone)."""
    bulletin_ids = sorted({line.bulletin_id for line in lines})
    ids = ", ".join(f"#{i}" for i in bulletin_ids)
    in_groups = [line for line in lines if line.channel != SMS_CHANNEL]
    by_sms = [line for line in lines if line.channel == SMS_CHANNEL]
    sent = sum(1 for line in in_groups if line.status == SENT)
    uncertain = sum(1 for line in lines if line.status == UNCERTAIN)
    if by_sms:
        parts = [t(language, "bulletins.notice.summary_with_sms", ids=ids, unit=unit_code,
                   sent=sent, total=len(in_groups),
                   sms_sent=sum(1 for line in by_sms if line.status == SENT),
                   sms_total=len(by_sms))]
    else:
        parts = [t(language, "bulletins.notice.summary", ids=ids, unit=unit_code, sent=sent,
                   total=len(lines))]
    if acknowledged:  # only groups have a "Đã phổ biến" button to press
        parts.append(t(language, "bulletins.notice.summary_acknowledged", count=acknowledged,
                       sent=sent))
    parts += _failures(language, "bulletins.notice.summary_failed",
                       [line for line in in_groups if line.status == FAILED])
    parts += _failures(language, "bulletins.notice.summary_failed_sms",
                       [line for line in by_sms if line.status == FAILED])
    buttons: tuple[tuple[Button, ...], ...] = ()
    if uncertain:
        uncertain_sms = sum(1 for line in by_sms if line.status == UNCERTAIN)
        if uncertain_sms:
            parts.append(t(language, "bulletins.notice.summary_uncertain_with_sms",
                           count=uncertain - uncertain_sms, sms=uncertain_sms))
        else:
            parts.append(t(language, "bulletins.notice.summary_uncertain", count=uncertain))
        buttons = _resend_button(language, dispatch_id, uncertain, with_sms=bool(uncertain_sms))
    # SPEC §5: only an officer's explicit choice sends a bulletin to a group again; the button
    # asks for a confirmation first.
    buttons += ((Button(t(language, "bulletins.button.force_resend"),
                        callback=f"{FORCE}{dispatch_id}"),),)
    return OutboundMessage("\n".join(parts), buttons=buttons)


def uncertain_after_restart(language: str, dispatch_id: int, lines: Sequence[DeliveryLine],
                            count: int) -> OutboundMessage:
    """``count`` copies of the dispatch (``lines``) a restart left uncertain; those to SMS
    subscribers are named so."""
    ids = ", ".join(f"#{i}" for i in sorted({line.bulletin_id for line in lines}))
    sms = min(count, sum(1 for line in lines
                         if line.status == UNCERTAIN and line.channel == SMS_CHANNEL))
    if sms:
        text = t(language, "bulletins.notice.uncertain_after_restart_with_sms",
                 count=count - sms, sms=sms, ids=ids)
    else:
        text = t(language, "bulletins.notice.uncertain_after_restart", count=count, ids=ids)
    return OutboundMessage(text, buttons=_resend_button(language, dispatch_id, count,
                                                        with_sms=bool(sms)))


def queue_ran_dry(language: str, run: SlotRun) -> OutboundMessage:
    if run.sms:
        return OutboundMessage(t(
            language, "bulletins.notice.queue_empty_with_sms", unit=run.unit_code,
            count=run.groups_without_news - run.sms_without_news, total=run.groups - run.sms,
            sms=run.sms_without_news, sms_total=run.sms))
    return OutboundMessage(t(language, "bulletins.notice.queue_empty", unit=run.unit_code,
                             count=run.groups_without_news, total=run.groups))


def below_target(language: str, week: str, target: int,
                 groups: Sequence[GroupWeek]) -> OutboundMessage:
    """Groups short of the weekly target, each named; SMS subscribers (who get what their
    unit's groups get) only counted, on a line of their own."""
    in_groups = [g for g in groups if g.address.channel != SMS_CHANNEL]
    phones = len(groups) - len(in_groups)
    parts = []
    if in_groups:
        parts.append(t(language, "bulletins.notice.below_target", week=week, target=target,
                       count=len(in_groups)))
        parts.extend(t(language, "bulletins.notice.below_target_line", title=g.title,
                       unit=g.unit_code, sent=g.bulletins) for g in in_groups[:MAX_LISTED * 3])
    if phones:
        parts.append(t(language, "bulletins.notice.below_target_sms", week=week, target=target,
                       count=phones))
    return OutboundMessage("\n".join(parts))
