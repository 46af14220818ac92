"""Plain data of the organisation: roles, units and staff members as storage keeps them.

Kept beside the tables that hold them, so storage returns them without importing the domain
(DESIGN.md: storage imports none of the core). The rules about them live in ``org``: how roles
rank (``org.roles``), the unit tree and what a unit must keep (``org.units``), a member's scope
(``org.staff``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.address import Address


class Role(StrEnum):
    """The staff roles of SPEC §1. Residents (and tipsters) are not staff: role ``None``."""

    ADMIN = "admin"
    OFFICER = "officer"
    EDITOR = "editor"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    parent_code: str | None
    # Declared in config.toml (changed only there) or added by an admin in chat.
    from_config: bool = True


@dataclass(frozen=True)
class StaffMember:
    address: Address  # core.address: where to reach them, and who they are in the audit
    role: Role
    unit_code: str
    from_config: bool
    # Their Zalo user id for the OA (digits), when one is set: /register inside an OA group.
    zalo_user_id: str | None = None
