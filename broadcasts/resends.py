"""An officer's forced re-send of a dispatch (SPEC §5: a bulletin never goes twice to a group
"unless an officer forces it"): after a confirmation, every still-active group of the dispatch
gets its bulletin again, as a new delivery round; the first round's rows and the audit log keep
the record. Rules live here; SQL in ``storage.resends``.

Also what re-sending a dispatch's uncertain copies would pay for (:func:`paid_uncertain`): an
alert's copies to Telegram groups go as paid broadcasts when ``bulletins.paid_broadcast`` is on
(``broadcasts.delivery``), so a re-send of them costs Stars again and the officer is asked first
(``broadcasts.alerts``); a forced re-send's preview counts them too (``paid_groups``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.address import TELEGRAM
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from org.units import UnitTree
from storage import deliveries as delivery_store
from storage import resends as store
from storage.audit import record_action
from storage.bulletins import find_bulletin
from storage.db import Database

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
class PaidResend:
    """The Telegram groups a re-send of uncertain copies would reach as paid broadcasts."""

    body: str  # the alert's words (the first cost question showed them)
    groups: int


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


async def paid_uncertain(db: Database, tree: UnitTree, member: StaffMember,
                         dispatch_id: int) -> PaidResend | None:
    """The uncertain copies of the dispatch that are an alert's to Telegram groups (paid when
    paid broadcasts are on); None when there are none, or the dispatch is not the member's."""
    async with db.reading() as conn:
        if not _may_resend(await delivery_store.find_dispatch(conn, dispatch_id), tree, member):
            return None
        lines = await delivery_store.dispatch_lines(conn, dispatch_id)
        groups: dict[int, int] = {}
        for line in lines:
            if line.status == delivery_store.UNCERTAIN and line.channel == TELEGRAM:
                groups[line.bulletin_id] = groups.get(line.bulletin_id, 0) + 1
        alerts = [bulletin for bulletin_id in sorted(groups)
                  if (bulletin := await find_bulletin(conn, bulletin_id)) is not None
                  and bulletin.is_alert]
    if not alerts:
        return None
    return PaidResend(alerts[0].body, sum(groups[bulletin.id] for bulletin in alerts))
