"""Who is who: the unit tree and the staff list, synced from config and changed by admins.

The tree and the staff list are small and read on every update (every command checks a role),
so they are held in memory; every change goes through this object, which writes the database
first and then its cache, so the two never disagree within one process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.address import Address
from org.roles import Role
from org.staff import StaffMember
from org.units import (
    Unit,
    UnitRefusal,
    UnitTree,
    clean_unit_name,
    refusal_to_add,
    refusal_to_move,
    refusal_to_rename,
)
from storage import staff as staff_store
from storage import units as unit_store
from storage.audit import record_action
from storage.db import Database

log = logging.getLogger(__name__)


class StaffChange(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    REMOVED = "removed"
    NOT_FOUND = "not_found"
    UNKNOWN_UNIT = "unknown_unit"
    DECLARED_IN_CONFIG = "declared_in_config"
    SELF = "self"
    ZALO_SET = "zalo_set"
    ZALO_CLEARED = "zalo_cleared"
    ZALO_TAKEN = "zalo_taken"  # another staff member has that Zalo id (``member``: them)


@dataclass(frozen=True)
class StaffChangeResult:
    change: StaffChange
    member: StaffMember | None = None


@dataclass(frozen=True)
class UnitChangeResult:
    """A unit change done (``refusal`` None) or refused; ``unit`` as it is now, ``previous`` as
    it was (the old name, the old parent)."""

    refusal: UnitRefusal | None
    unit: Unit | None = None
    previous: Unit | None = None


class Directory:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._tree = UnitTree([])
        self._staff: dict[Address, StaffMember] = {}
        # One unit change at a time: two admins moving two units under each other at once
        # must not make a loop.
        self._unit_changes = asyncio.Lock()

    @property
    def tree(self) -> UnitTree:
        return self._tree

    async def sync_from_config(self, declared_units: Sequence[Unit],
                               declared_staff: Sequence[StaffMember], now: datetime) -> None:
        async with self._db.transaction() as conn:
            synced = await unit_store.sync_units(conn, declared_units, now)
            zalo_ids_taken = await staff_store.sync_config_staff(conn, declared_staff, now)
        await self.reload()
        if zalo_ids_taken:
            # Not the ids themselves: staff's own ids are kept out of logs too.
            log.warning("%d staff member(s) added in chat had a Zalo user id that config.toml "
                        "now gives to someone it declares: the file's entry has it now",
                        zalo_ids_taken)
        for code in synced.taken_over:
            log.warning("unit %s, added in chat, is now declared in config.toml: the file's name "
                        "and parent apply, and it is changed only there from now on", code)
        for code in synced.released:
            below = len(self._tree.subtree(code)) - 1
            log.warning("unit %s is no longer declared in config.toml: it is kept, with the %d "
                        "unit(s) below it and its tips, groups and figures, and admins now manage "
                        "it in chat (/unit rename, /unit move)", code, below)

    async def reload(self) -> None:
        async with self._db.reading() as conn:
            self._tree = UnitTree(await unit_store.load_units(conn))
            self._staff = {m.address: m for m in await staff_store.list_staff(conn)}

    def staff_member(self, address: Address | None) -> StaffMember | None:
        return self._staff.get(address) if address is not None else None

    def staff_by_zalo_user_id(self, zalo_user_id: str) -> StaffMember | None:
        """The staff member whose Zalo id for the OA this is (a staff list is small)."""
        return next((m for m in self._staff.values() if m.zalo_user_id == zalo_user_id), None)

    def all_staff(self) -> list[StaffMember]:
        return sorted(self._staff.values(),
                      key=lambda m: (m.unit_code, m.role, m.address.sort_key()))

    async def add_staff(self, actor: Address, address: Address, role: Role, unit_code: str,
                        now: datetime) -> StaffChangeResult:
        unit = self._tree.find(unit_code)
        if unit is None:
            return StaffChangeResult(StaffChange.UNKNOWN_UNIT)
        existing = self._staff.get(address)
        if existing is not None and existing.from_config:
            return StaffChangeResult(StaffChange.DECLARED_IN_CONFIG, existing)
        member = StaffMember(address, role, unit.code, from_config=False,
                             zalo_user_id=existing.zalo_user_id if existing else None)
        async with self._db.transaction() as conn:
            await staff_store.upsert_staff(conn, member, added_by=actor, now=now)
            await record_action(conn, at=now, actor=actor, action="staff.add",
                                subject=f"staff:{address}", detail=f"{role.value} {unit.code}")
        self._staff[address] = member
        change = StaffChange.UPDATED if existing else StaffChange.ADDED
        return StaffChangeResult(change, member)

    async def remove_staff(self, actor: Address, address: Address,
                           now: datetime) -> StaffChangeResult:
        existing = self._staff.get(address)
        if existing is None:
            return StaffChangeResult(StaffChange.NOT_FOUND)
        if existing.from_config:
            # The next start-up would bring them back; the file is where they must go.
            return StaffChangeResult(StaffChange.DECLARED_IN_CONFIG, existing)
        if address == actor:
            return StaffChangeResult(StaffChange.SELF, existing)
        async with self._db.transaction() as conn:
            await staff_store.delete_staff(conn, address)
            await record_action(conn, at=now, actor=actor, action="staff.remove",
                                subject=f"staff:{address}")
        del self._staff[address]
        return StaffChangeResult(StaffChange.REMOVED, existing)

    async def set_staff_zalo_id(self, actor: Address, address: Address,
                                zalo_user_id: str | None, now: datetime) -> StaffChangeResult:
        """Set (or clear, with None) the Zalo id of a staff member added in chat; config
        staff have theirs in the file (``[[staff]] zalo_user_id``), read at every start."""
        existing = self._staff.get(address)
        if existing is None:
            return StaffChangeResult(StaffChange.NOT_FOUND)
        if existing.from_config:
            return StaffChangeResult(StaffChange.DECLARED_IN_CONFIG, existing)
        holder = self.staff_by_zalo_user_id(zalo_user_id) if zalo_user_id else None
        if holder is not None and holder.address != address:
            return StaffChangeResult(StaffChange.ZALO_TAKEN, holder)
        member = dataclasses.replace(existing, zalo_user_id=zalo_user_id)
        async with self._db.transaction() as conn:
            await staff_store.set_zalo_user_id(conn, address, zalo_user_id)
            # The id itself stays out of the audit detail, as out of the logs.
            await record_action(conn, at=now, actor=actor, action="staff.zalo",
                                subject=f"staff:{address}",
                                detail="set" if zalo_user_id else "cleared")
        self._staff[address] = member
        change = StaffChange.ZALO_SET if zalo_user_id else StaffChange.ZALO_CLEARED
        return StaffChangeResult(change, member)

    # ---- units added in chat (SPEC §2, §7 /unit) ------------------------------------------
    # Each change is checked against the tree as the database has it, written with its audit
    # entry in one transaction, and the cached tree replaced once committed: /register, the tip
    # flow, /stats and the schedules see it at once.
    async def add_unit(self, actor: Address, code: str, name: str, parent_code: str,
                       now: datetime) -> UnitChangeResult:
        name = clean_unit_name(name)
        async with self._unit_changes:
            async with self._db.transaction() as conn:
                tree = UnitTree(await unit_store.load_units(conn))
                refusal = refusal_to_add(tree, code, name, parent_code)
                if refusal is not None:
                    return UnitChangeResult(refusal, tree.find(code))
                unit = Unit(code, name, tree.find(parent_code).code, from_config=False)
                await unit_store.add_chat_unit(conn, unit, now)
                await record_action(conn, at=now, actor=actor, action="unit.add",
                                    subject=f"unit:{unit.code}",
                                    detail=f"{unit.parent_code} {unit.name}")
                after = UnitTree(await unit_store.load_units(conn))
            self._tree = after
        return UnitChangeResult(None, unit)

    async def rename_unit(self, actor: Address, code: str, name: str,
                          now: datetime) -> UnitChangeResult:
        name = clean_unit_name(name)
        async with self._unit_changes:
            async with self._db.transaction() as conn:
                tree = UnitTree(await unit_store.load_units(conn))
                refusal, previous = refusal_to_rename(tree, code, name), tree.find(code)
                if refusal is not None:
                    return UnitChangeResult(refusal, previous)
                await unit_store.rename_unit(conn, previous.code, name)
                await record_action(conn, at=now, actor=actor, action="unit.rename",
                                    subject=f"unit:{previous.code}",
                                    detail=f"{previous.name} -> {name}")
                after = UnitTree(await unit_store.load_units(conn))
            self._tree = after
        return UnitChangeResult(None, after.find(code), previous)

    async def move_unit(self, actor: Address, code: str, parent_code: str,
                        now: datetime) -> UnitChangeResult:
        async with self._unit_changes:
            async with self._db.transaction() as conn:
                tree = UnitTree(await unit_store.load_units(conn))
                refusal, previous = refusal_to_move(tree, code, parent_code), tree.find(code)
                if refusal is not None:
                    return UnitChangeResult(refusal, previous)
                parent = tree.find(parent_code)
                await unit_store.move_unit(conn, previous.code, parent.code, now)
                await record_action(conn, at=now, actor=actor, action="unit.move",
                                    subject=f"unit:{previous.code}",
                                    detail=f"{previous.parent_code} -> {parent.code}")
                after = UnitTree(await unit_store.load_units(conn))
            self._tree = after
        return UnitChangeResult(None, after.find(code), previous)
