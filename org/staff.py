"""Staff members and their scope: an officer's unit subtree; an admin's, every unit."""

from __future__ import annotations

from dataclasses import dataclass

from core.address import Address
from org.roles import Role, role_allows
from org.units import UnitTree


@dataclass(frozen=True)
class StaffMember:
    address: Address  # core.address: where to reach them, and who they are in the audit
    role: Role
    unit_code: str
    from_config: bool


def may_act_on_unit(member: StaffMember | None, unit_code: str, tree: UnitTree,
                    needed: Role = Role.OFFICER) -> bool:
    """Role high enough, and the unit inside the member's scope (admins: every unit)."""
    if member is None or not role_allows(member.role, needed):
        return False
    if member.role is Role.ADMIN:
        return tree.find(unit_code) is not None
    return tree.contains(member.unit_code, unit_code)


def scope_codes(member: StaffMember, tree: UnitTree) -> set[str]:
    if member.role is Role.ADMIN:
        return {u.code for u in tree}
    return tree.subtree_codes(member.unit_code)
