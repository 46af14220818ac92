"""Roles of SPEC §1 (``Role``, kept with storage's records) and how they rank. Residents (and
tipsters) are not staff: role ``None``."""

from __future__ import annotations

from storage.org_records import Role

# An admin may do what an officer may, an officer what an editor may.
_RANK = {Role.EDITOR: 1, Role.OFFICER: 2, Role.ADMIN: 3}


def role_allows(held: Role | None, needed: Role) -> bool:
    return held is not None and _RANK[held] >= _RANK[needed]


def parse_role(text: str) -> Role | None:
    try:
        return Role(text.strip().lower())
    except ValueError:
        return None
