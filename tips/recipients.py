"""Who hears of a tip: the officers of its unit and, per ``tips.notify``, the units above.

Tips are need-to-know (SPEC §12): every message about a tip to staff (its notice, its items, a
tipster's follow-up) is addressed from ``tip_recipients``, and editors are never among them.
"""

from __future__ import annotations

from org.roles import Role, role_allows
from org.staff import StaffMember
from org.units import UnitTree


def notified_units(tree: UnitTree, unit_code: str, notify: str) -> list[str]:
    ancestors = [u.code for u in tree.ancestors(unit_code)]
    if notify == "unit":
        return [unit_code]
    if notify == "unit_and_parent":
        return [unit_code, *ancestors[:1]]
    return [unit_code, *ancestors]


def tip_recipients(tree: UnitTree, staff: list[StaffMember], unit_code: str,
                   notify: str) -> list[StaffMember]:
    """Officers and admins of the notified units. If none serve there, the nearest unit above
    that has some: a tip nobody is told about would be a tip lost."""
    triagers = [m for m in staff if role_allows(m.role, Role.OFFICER)]
    chain = [unit_code, *(u.code for u in tree.ancestors(unit_code))]
    wanted = set(notified_units(tree, unit_code, notify))
    found = [m for m in triagers if m.unit_code in wanted]
    if found:
        return found
    for code in chain:
        found = [m for m in triagers if m.unit_code == code]
        if found:
            return found
    return [m for m in triagers if m.role is Role.ADMIN]
