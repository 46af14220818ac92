"""The unit tree: any depth, no level hard-coded (the district level was abolished in 2025)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    parent_code: str | None


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
