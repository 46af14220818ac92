"""Bulletins as officers and editors handle them: compose, approve, remove, reorder, and plan a
direct send (send now, alerts). Rules about who may do what live here; SQL lives in storage."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from org.roles import Role
from org.staff import StaffMember, may_act_on_unit, scope_codes
from org.units import UnitTree
from storage import bulletins as store
from storage import deliveries as delivery_store
from storage import outbox
from storage.audit import record_action
from storage.bulletins import BulletinRecord, WaitingBulletin
from storage.db import Database

from .staff_outbox import StaffNotice

TOPICS: tuple[str, ...] = ("drugs", "theft", "robbery", "traffic", "fraud", "fire", "drowning",
                           "youth", "general")
ALERT_TOPIC = "alert"
QUEUE_LISTING_LIMIT = 20


class Action(StrEnum):
    SEND_NOW = "now"
    QUEUE = "queue"


class Verdict(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no such bulletin, or not one the person may see
    NOT_ALLOWED = "not_allowed"  # visible, but the role is too low (an editor approving)
    UNCHANGED = "unchanged"  # already approved/removed, or nothing to move past


@dataclass(frozen=True)
class Content:
    body: str
    media_kind: str | None = None
    media_file_id: str | None = None
    # The officer's own SMS version (SPEC §13 "Text"): what SMS subscribers get instead of the
    # body without diacritics.
    sms_text: str | None = None

    def with_sms_text(self, sms_text: str | None) -> Content:
        return dataclasses.replace(self, sms_text=sms_text)


@dataclass(frozen=True)
class Planned:
    dispatch_id: int
    delivery_ids: list[int]
    sms: int = 0  # of the rows, those to SMS subscribers (officers read "người nhận SMS")


async def create_bulletin(db: Database, member: StaffMember, unit_code: str, topic: str,
                          content: Content, action: Action, now: datetime, *,
                          told: Callable[[BulletinRecord], Sequence[StaffNotice]] | None = None,
                          ) -> BulletinRecord:
    """An editor's bulletin is a draft until an officer approves it, whatever they chose.
    ``told``: what staff hear of the new bulletin (a draft's approval request), queued in the
    staff outbox in the bulletin's own transaction, so a draft never waits unannounced."""
    if member.role is Role.EDITOR:
        status = store.DRAFT
    else:
        status = store.QUEUED if action is Action.QUEUE else store.DIRECT
    async with db.transaction() as conn:
        bulletin = await store.insert_bulletin(
            conn, unit_code=unit_code, topic=topic, body=content.body,
            media_kind=content.media_kind, media_file_id=content.media_file_id, status=status,
            is_alert=topic == ALERT_TOPIC, created_by=member.address, now=now,
            sms_text=content.sms_text)
        await record_action(conn, at=now, actor=member.address, action="bulletin.create",
                            subject=f"bulletin:{bulletin.id}", detail=f"{status} {unit_code}")
        notices = told(bulletin) if told is not None else ()
        if notices:
            await outbox.enqueue_many(conn, notices, now=now)
    return bulletin


async def plan_direct_send(db: Database, tree: UnitTree, bulletin: BulletinRecord, kind: str,
                           requested_by: int, now: datetime) -> Planned:
    """Every active group of the bulletin's unit subtree, at once (send now, alerts)."""
    async with db.transaction() as conn:
        dispatch_id = await delivery_store.insert_dispatch(
            conn, kind=kind, unit_code=bulletin.unit_code, requested_by=requested_by, now=now)
        ids, sms = await delivery_store.plan_unit_deliveries(
            conn, dispatch_id, bulletin.id, tree.subtree_codes(bulletin.unit_code), now)
    return Planned(dispatch_id, ids, sms)


async def find_visible(db: Database, tree: UnitTree, member: StaffMember,
                       bulletin_id: int) -> BulletinRecord | None:
    async with db.reading() as conn:
        bulletin = await store.find_bulletin(conn, bulletin_id)
    if bulletin is None or not may_act_on_unit(member, bulletin.unit_code, tree, Role.EDITOR):
        return None
    return bulletin


# Who may press what: the /queue listing draws a button only where these allow it (SPEC §12:
# buttons a person may not use are not shown), and the presses are checked against them again.
def may_approve(member: StaffMember, bulletin: BulletinRecord, tree: UnitTree) -> bool:
    """Officers of the bulletin's unit and above; never an editor, not even their own draft."""
    return may_act_on_unit(member, bulletin.unit_code, tree, Role.OFFICER)


def may_move_up(member: StaffMember, bulletin: BulletinRecord, tree: UnitTree) -> bool:
    """The order of the queue is the officers' call, as approval is."""
    return may_act_on_unit(member, bulletin.unit_code, tree, Role.OFFICER)


def may_remove(member: StaffMember, bulletin: BulletinRecord, tree: UnitTree) -> bool:
    """Officers remove any waiting bulletin in scope; editors only their own drafts."""
    if member.role is Role.EDITOR:
        return bulletin.status == store.DRAFT and bulletin.created_by == member.address
    return may_act_on_unit(member, bulletin.unit_code, tree, Role.OFFICER)


async def approve_bulletin(db: Database, tree: UnitTree, member: StaffMember, bulletin_id: int,
                           now: datetime) -> tuple[Verdict, BulletinRecord | None]:
    bulletin = await find_visible(db, tree, member, bulletin_id)
    if bulletin is None:
        return Verdict.NOT_FOUND, None
    if not may_approve(member, bulletin, tree):
        return Verdict.NOT_ALLOWED, bulletin
    async with db.transaction() as conn:
        if not await store.approve_bulletin(conn, bulletin_id, member.address, now):
            return Verdict.UNCHANGED, bulletin
        await record_action(conn, at=now, actor=member.address, action="bulletin.approve",
                            subject=f"bulletin:{bulletin_id}")
    return Verdict.DONE, bulletin


async def remove_bulletin(db: Database, tree: UnitTree, member: StaffMember, bulletin_id: int,
                          now: datetime) -> Verdict:
    bulletin = await find_visible(db, tree, member, bulletin_id)
    if bulletin is None:
        return Verdict.NOT_FOUND
    if not may_remove(member, bulletin, tree):
        return Verdict.NOT_ALLOWED
    async with db.transaction() as conn:
        if not await store.remove_bulletin(conn, bulletin_id):
            return Verdict.UNCHANGED
        await record_action(conn, at=now, actor=member.address, action="bulletin.remove",
                            subject=f"bulletin:{bulletin_id}")
    return Verdict.DONE


async def move_bulletin_up(db: Database, tree: UnitTree, member: StaffMember,
                           bulletin_id: int) -> Verdict:
    bulletin = await find_visible(db, tree, member, bulletin_id)
    if bulletin is None:
        return Verdict.NOT_FOUND
    if not may_move_up(member, bulletin, tree):
        return Verdict.NOT_ALLOWED
    async with db.transaction() as conn:
        moved = await store.move_up(conn, bulletin_id, scope_codes(member, tree))
    return Verdict.DONE if moved else Verdict.UNCHANGED


async def waiting_in_scope(db: Database, tree: UnitTree,
                           member: StaffMember) -> list[WaitingBulletin]:
    async with db.reading() as conn:
        return await store.waiting_bulletins(conn, scope_codes(member, tree),
                                             QUEUE_LISTING_LIMIT)
