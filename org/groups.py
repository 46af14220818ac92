"""Groups and their link to a unit (SPEC §2): registration rules and life-cycle events.
A group is named by its address (core.address), whatever its channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.address import Address
from core.clock import Clock
from core.outbound import ChatMoved, ChatUnavailable, SendFailure
from org.channel_groups import GroupDirectories, GroupDirectory
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit, scope_codes
from org.units import Unit, UnitTree
from storage import groups as group_store
from storage.audit import record_action
from storage.db import Database
from storage.groups import GroupRecord

log = logging.getLogger(__name__)


class Registration(StrEnum):
    REGISTERED = "registered"
    MOVED = "moved"
    ALREADY = "already"
    UNKNOWN_UNIT = "unknown_unit"
    OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class RegistrationResult:
    outcome: Registration
    unit: Unit | None = None
    previous_unit_code: str | None = None


async def register_group(db: Database, tree: UnitTree, member: StaffMember, address: Address,
                         title: str, unit_code: str, now: datetime) -> RegistrationResult:
    """Link a group to a unit: an officer of that unit's subtree, or an admin, may do it."""
    unit = tree.find(unit_code)
    if unit is None:
        return RegistrationResult(Registration.UNKNOWN_UNIT)
    if not may_act_on_unit(member, unit.code, tree, Role.OFFICER):
        return RegistrationResult(Registration.OUT_OF_SCOPE, unit)
    async with db.transaction() as conn:
        current = await group_store.find_group(conn, address)
        if current and current.unit_code == unit.code and current.status == group_store.ACTIVE:
            return RegistrationResult(Registration.ALREADY, unit)
        previous = await group_store.link_group(conn, address, title, unit.code,
                                                member.address, now)
        await record_action(conn, at=now, actor=member.address, action="group.register",
                            subject=f"group:{address}", detail=unit.code)
    outcome = Registration.MOVED if previous and previous != unit.code else Registration.REGISTERED
    return RegistrationResult(outcome, unit, previous)


async def bot_joined_group(db: Database, address: Address, title: str,
                           now: datetime) -> GroupRecord:
    async with db.transaction() as conn:
        return await group_store.note_group_seen(conn, address, title, now)


async def bot_left_group(db: Database, address: Address, now: datetime) -> bool:
    async with db.transaction() as conn:
        return await group_store.mark_group_inactive(conn, address, now)


async def group_migrated(db: Database, old_address: Address, new_address: Address,
                         now: datetime) -> bool:
    async with db.transaction() as conn:
        return await group_store.follow_migration(conn, old_address, new_address, now)


async def member_count_taken(db: Database, address: Address, members: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await group_store.record_member_count(conn, address, members, now)


async def groups_in_scope(db: Database, tree: UnitTree, member: StaffMember,
                          unit_code: str | None = None) -> list[GroupRecord] | None:
    """Linked groups the member may see, optionally narrowed to one unit's subtree.

    None when the unit asked for is unknown or outside the member's scope.
    """
    allowed = scope_codes(member, tree)
    if unit_code is not None:
        unit = tree.find(unit_code)
        if unit is None or unit.code not in allowed:
            return None
        allowed = tree.subtree_codes(unit.code)
    async with db.reading() as conn:
        return await group_store.linked_groups(conn, allowed)


async def groups_at(addresses: list[Address], db: Database) -> dict[Address, GroupRecord]:
    """The stored record of each of ``addresses`` that has one."""
    async with db.reading() as conn:
        found = [await group_store.find_group(conn, address) for address in addresses]
    return {record.address: record for record in found if record is not None}


async def active_group_addresses(db: Database) -> list[Address]:
    async with db.reading() as conn:
        return await group_store.active_group_addresses(conn)


async def refresh_member_count(db: Database, directory: GroupDirectory, address: Address,
                               clock: Clock) -> None:
    """Ask the group's channel how many people it has and keep the count (SPEC §2, §12).

    A group that moved is followed (once); one that is gone (the bot was removed, the Zalo group
    dissolved or lapsed) becomes inactive; any other failure leaves the last count as it was.
    """
    for _ in range(2):
        try:
            count = await directory.member_count(address)
        except ChatMoved as moved:
            await group_migrated(db, address, moved.new_address, clock.now())
            address = moved.new_address
            continue
        except ChatUnavailable:
            await bot_left_group(db, address, clock.now())
            return
        except SendFailure as failure:
            log.warning("member count of group %s not refreshed: %s", address, failure.reason)
            return
        await member_count_taken(db, address, count, clock.now())
        return


async def refresh_all_member_counts(db: Database, directories: GroupDirectories,
                                    clock: Clock) -> None:
    """The daily job: every active group's member count, each through its own channel (SPEC §2:
    refreshed at least daily). A channel not configured here is left alone."""
    for address in await active_group_addresses(db):
        directory = directories.group_directory(address.channel)
        if directory is not None:
            await refresh_member_count(db, directory, address, clock)
