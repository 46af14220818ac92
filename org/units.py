"""The unit tree: any depth, no level hard-coded (the district level was abolished in 2025).

Also the rules a unit must keep, whether the config declares it or an admin adds it in chat
(SPEC §2, §12): one definition of a valid code, a valid name, and what a change may not do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import StrEnum

from storage.org_records import Unit
from tips.visible_text import for_staff, has_visible_text

UNIT_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
# ``/start tip_<CODE>`` opens the tip flow for a unit, and Telegram carries at most 64
# characters of a deep-link payload.
TIP_LINK_PREFIX = "tip_"
DEEP_LINK_PAYLOAD_LIMIT = 64
# The units.name column is String(200).
UNIT_NAME_LIMIT = 200


def is_valid_unit_code(code: str) -> bool:
    """Letters, digits, ``-`` and ``_``, 1 to 32 of them, and ``tip_<CODE>`` fits a deep link."""
    return (UNIT_CODE.fullmatch(code) is not None
            and len(TIP_LINK_PREFIX + code) <= DEEP_LINK_PAYLOAD_LIMIT)


def clean_unit_name(text: str) -> str:
    """A name as it will be shown on buttons and in lists: one line, single spaces, and no
    character that reorders or hides what follows it (right-to-left overrides, controls)."""
    return " ".join(for_staff(text).split())


class UnitRefusal(StrEnum):
    """Why a unit cannot be added, renamed or moved as asked."""

    BAD_CODE = "bad_code"
    DUPLICATE_CODE = "duplicate_code"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_PARENT = "unknown_parent"
    DECLARED_IN_CONFIG = "declared_in_config"
    NO_NAME = "no_name"
    NAME_TOO_LONG = "name_too_long"
    CYCLE = "cycle"
    ALREADY_THERE = "already_there"


class UnitTree:
    """Units by code, with subtree and ancestor queries. Codes match case-insensitively."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._by_key: dict[str, Unit] = {u.code.upper(): u for u in units}
        self._children: dict[str, list[Unit]] = {}
        for unit in self._by_key.values():
            if unit.parent_code:
                self._children.setdefault(unit.parent_code.upper(), []).append(unit)
        for children in self._children.values():
            children.sort(key=lambda u: u.code)

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Unit]:
        return iter(sorted(self._by_key.values(), key=lambda u: u.code))

    def find(self, code: str) -> Unit | None:
        return self._by_key.get(code.strip().upper())

    def roots(self) -> list[Unit]:
        return sorted((u for u in self._by_key.values() if not u.parent_code),
                      key=lambda u: u.code)

    def children(self, code: str) -> list[Unit]:
        return list(self._children.get(code.upper(), []))

    def subtree(self, code: str) -> list[Unit]:
        """The unit and every unit below it, parents before children."""
        top = self.find(code)
        if top is None:
            return []
        found, pending = [], [top]
        while pending:
            unit = pending.pop(0)
            found.append(unit)
            pending.extend(self.children(unit.code))
        return found

    def subtree_codes(self, code: str) -> set[str]:
        return {u.code for u in self.subtree(code)}

    def ancestors(self, code: str) -> list[Unit]:
        """Parent first, root last."""
        chain: list[Unit] = []
        unit = self.find(code)
        while unit is not None and unit.parent_code:
            unit = self.find(unit.parent_code)
            if unit is None or unit in chain:
                break
            chain.append(unit)
        return chain

    def contains(self, top_code: str, code: str) -> bool:
        """Is ``code`` the unit ``top_code`` or below it?"""
        unit = self.find(code)
        top = self.find(top_code)
        if unit is None or top is None:
            return False
        return unit == top or top in self.ancestors(unit.code)

    def depth(self, code: str) -> int:
        return len(self.ancestors(code))


def _name_refusal(name: str) -> UnitRefusal | None:
    if not has_visible_text(name):
        return UnitRefusal.NO_NAME
    if len(name) > UNIT_NAME_LIMIT:
        return UnitRefusal.NAME_TOO_LONG
    return None


def refusal_to_add(tree: UnitTree, code: str, name: str,
                   parent_code: str) -> UnitRefusal | None:
    """Why ``code`` may not be added under ``parent_code`` (None: it may). ``name`` is cleaned."""
    if not is_valid_unit_code(code):
        return UnitRefusal.BAD_CODE
    if tree.find(code) is not None:
        return UnitRefusal.DUPLICATE_CODE
    if tree.find(parent_code) is None:
        return UnitRefusal.UNKNOWN_PARENT
    return _name_refusal(name)


def refusal_to_rename(tree: UnitTree, code: str, name: str) -> UnitRefusal | None:
    unit = tree.find(code)
    if unit is None:
        return UnitRefusal.UNKNOWN_UNIT
    if unit.from_config:
        return UnitRefusal.DECLARED_IN_CONFIG
    return _name_refusal(name)


def refusal_to_move(tree: UnitTree, code: str, parent_code: str) -> UnitRefusal | None:
    unit, parent = tree.find(code), tree.find(parent_code)
    if unit is None:
        return UnitRefusal.UNKNOWN_UNIT
    if unit.from_config:
        return UnitRefusal.DECLARED_IN_CONFIG
    if parent is None:
        return UnitRefusal.UNKNOWN_PARENT
    if tree.contains(unit.code, parent.code):
        # Under itself or under one of its own units: the tree would loop.
        return UnitRefusal.CYCLE
    if unit.parent_code is not None and unit.parent_code.upper() == parent.code.upper():
        return UnitRefusal.ALREADY_THERE
    return None
