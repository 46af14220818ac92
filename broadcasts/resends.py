"""An officer's forced re-send of a dispatch (SPEC §5: a bulletin never goes twice to a group
"unless an officer forces it"): after a confirmation, every still-active group of the dispatch
gets its bulletin again, as a new delivery round; the first round's rows and the audit log keep
the record. Rules live here; SQL in ``storage.resends``.

Also what re-sending a dispatch's uncertain copies would pay for (:func:`uncertain_copies`): an
alert's copies to Telegram groups go as paid broadcasts when ``bulletins.paid_broadcast`` is on
(``broadcasts.delivery``), so a re-send of them costs Stars again, and copies to SMS subscribers
cost SMS again; the officer is asked first (``broadcasts.alerts``). A forced re-send's preview
counts the paid ones too (``paid_groups``; it goes to groups only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from core.address import TELEGRAM
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from org.units import UnitTree
from storage import deliveries as delivery_store
from storage import resends as store
from storage.audit import record_action
from storage.bulletins import BulletinRecord, find_bulletin
from storage.db import Database

from .sms_subscribers import SMS_CHANNEL

RESEND = "resend"  # the dispatch kind of a forced re-send


@dataclass(frozen=True)
class ResendPreview:
    bulletin_ids: list[int]
    groups: int
    # Of those, an alert's copies to Telegram groups: paid again when paid broadcasts are on.
    paid_groups: int = 0


@dataclass(frozen=True)
class ForcedResend:
    dispatch_id: int | None  # None: nothing was planned
    delivery_ids: list[int]
    bulletin_ids: list[int]
    urgent: bool  # a re-sent alert keeps an alert's priority
    already: bool = False  # this dispatch was re-sent already (a second press)


@dataclass(frozen=True)
class UncertainCopies:
    """A dispatch's uncertain copies, as a re-send of them would go."""

    unit_code: str  # of the dispatch
    body: str  # the words shown in the question (an alert's first, when there is one)
    total: int  # copies: groups and SMS subscribers
    # Of them, an alert's copies to Telegram groups: paid broadcasts when those are on.
    paid_groups: int
    # Copies to SMS subscribers, per bulletin (each bulletin's SMS has its own length).
    sms: list[tuple[BulletinRecord, int]]

    @property
    def sms_count(self) -> int:
        return sum(count for _, count in self.sms)


class _AlreadyResent(Exception):
    """Rolls the new dispatch back when every row of its round existed already."""


def _may_resend(dispatch: delivery_store.Dispatch | None, tree: UnitTree,
                member: StaffMember) -> bool:
    return dispatch is not None and may_act_on_unit(member, dispatch.unit_code, tree,
                                                    Role.OFFICER)


async def resend_preview(db: Database, tree: UnitTree, member: StaffMember,
                         dispatch_id: int) -> ResendPreview | None:
    """What a forced re-send would do; None when the dispatch is not the member's to re-send."""
    async with db.reading() as conn:
        if not _may_resend(await delivery_store.find_dispatch(conn, dispatch_id), tree, member):
            return None
        targets = await store.resend_targets(conn, dispatch_id)
        bulletin_ids = sorted({t.bulletin_id for t in targets})
        alerts = {b for b in bulletin_ids
                  if (bulletin := await find_bulletin(conn, b)) is not None and bulletin.is_alert}
    return ResendPreview(bulletin_ids, len(targets),
                         sum(1 for t in targets if t.bulletin_id in alerts
                             and t.channel == TELEGRAM))


async def force_resend(db: Database, tree: UnitTree, member: StaffMember, dispatch_id: int,
                       now: datetime) -> ForcedResend | None:
    try:
        async with db.transaction() as conn:
            source = await delivery_store.find_dispatch(conn, dispatch_id)
            if source is None or not _may_resend(source, tree, member):
                return None
            targets = await store.resend_targets(conn, dispatch_id)
            bulletin_ids = sorted({t.bulletin_id for t in targets})
            urgent = source.kind == delivery_store.ALERT
            if not targets:
                return ForcedResend(None, [], [], urgent)
            new_id = await delivery_store.insert_dispatch(
                conn, kind=RESEND, unit_code=source.unit_code, requested_by=member.address,
                now=now)
            ids = await store.plan_round(conn, new_id, targets, now)
            if not ids:
                raise _AlreadyResent
            await record_action(conn, at=now, actor=member.address, action="bulletin.resend",
                                subject=f"dispatch:{dispatch_id}",
                                detail=f"dispatch:{new_id} groups:{len(ids)} bulletins:"
                                       + ",".join(str(b) for b in bulletin_ids))
    except _AlreadyResent:
        return ForcedResend(None, [], [], False, already=True)
    return ForcedResend(new_id, ids, bulletin_ids, urgent)


async def uncertain_copies(db: Database, tree: UnitTree, member: StaffMember,
                           dispatch_id: int) -> UncertainCopies | None:
    """What re-sending the dispatch's uncertain copies would reach, and what of it costs: an
    alert's copies to Telegram groups (paid when paid broadcasts are on) and the copies to SMS
    subscribers; None when the dispatch is not the member's."""
    async with db.reading() as conn:
        dispatch = await delivery_store.find_dispatch(conn, dispatch_id)
        if dispatch is None or not _may_resend(dispatch, tree, member):
            return None
        uncertain = [line for line in await delivery_store.dispatch_lines(conn, dispatch_id)
                     if line.status == delivery_store.UNCERTAIN]
        found = {bulletin_id: bulletin
                 for bulletin_id in sorted({line.bulletin_id for line in uncertain})
                 if (bulletin := await find_bulletin(conn, bulletin_id)) is not None}
    telegram = Counter(line.bulletin_id for line in uncertain if line.channel == TELEGRAM)
    sms = Counter(line.bulletin_id for line in uncertain if line.channel == SMS_CHANNEL)
    alerts = [bulletin for bulletin in found.values() if bulletin.is_alert]
    shown = alerts[0] if alerts else next(iter(found.values()), None)
    return UncertainCopies(
        unit_code=dispatch.unit_code, body=shown.body if shown is not None else "",
        total=len(uncertain),
        paid_groups=sum(telegram[bulletin.id] for bulletin in alerts),
        sms=[(found[bulletin_id], count) for bulletin_id, count in sorted(sms.items())
             if bulletin_id in found])
