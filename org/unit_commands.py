"""``/unit add CODE "NAME" PARENT`` · ``rename CODE "NAME"`` · ``move CODE PARENT`` · ``list``
(``/donvi``): what the admin's words ask, the change the directory makes, and the answer, as plain
data every channel draws (SPEC §2, §7).

Names may be quoted with ``"…"`` or with the curly quotes phones type (``“…”``), or not quoted
at all. The rules a unit must keep are ``org.units``'s; the change and its audit entry are
``org.directory``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.address import Address
from core.answers import Answer
from org.directory import Directory, UnitChangeResult
from org.units import UNIT_NAME_LIMIT, UnitTree, clean_unit_name
from tips.visible_text import for_staff

Translate = Callable[..., str]

MAX_ECHO = 40  # characters of a mistyped code repeated back
INDENT = "    "  # per level of the tree in /unit list
_QUOTES = "\"“”„«»"
_WORD = re.compile(rf"[{_QUOTES}]([^{_QUOTES}]*)[{_QUOTES}]|([^\s{_QUOTES}]+)")


@dataclass(frozen=True)
class UnitCommand:
    action: str  # add | rename | move | list
    code: str = ""
    name: str = ""
    parent: str = ""


def read_unit_command(text: str) -> UnitCommand | None:
    """The arguments after ``/unit`` (None: not a valid form; the usage is shown). A name is
    one quoted part, or the words where the name goes."""
    if sum(text.count(quote) for quote in _QUOTES) % 2:
        return None  # a quote left open: better to ask again than to guess where the name ends
    words = [quoted if quoted is not None else bare
             for quoted, bare in (m.groups() for m in _WORD.finditer(text))]
    action = words[0].lower() if words else ""
    if action == "list" and len(words) == 1:
        return UnitCommand("list")
    if action == "add" and len(words) >= 4:
        return UnitCommand("add", words[1], " ".join(words[2:-1]), words[-1])
    if action == "rename" and len(words) >= 3:
        return UnitCommand("rename", words[1], " ".join(words[2:]))
    if action == "move" and len(words) == 3:
        return UnitCommand("move", words[1], parent=words[2])
    return None


def _echo(text: str) -> str:
    shown = for_staff(text)
    return shown if len(shown) <= MAX_ECHO else shown[:MAX_ECHO] + "…"


class UnitCommands:
    """One admin's ``/unit`` commands, answered in their language. ``list`` answers one line per
    unit (a channel splits a long list between lines)."""

    def __init__(self, directory: Directory, tr: Translate, actor: Address) -> None:
        self.directory = directory
        self.tr = tr
        self.actor = actor

    async def run(self, arguments: str, now: datetime) -> Answer:
        command = read_unit_command(arguments)
        if command is None:
            return Answer(self.tr("unit.usage"))
        if command.action == "list":
            return self.listing()
        if command.action == "add":
            return await self.add(command, now)
        if command.action == "rename":
            return await self.rename(command, now)
        return await self.move(command, now)

    async def add(self, command: UnitCommand, now: datetime) -> Answer:
        result = await self.directory.add_unit(self.actor, command.code, command.name,
                                               command.parent, now)
        if result.refusal is not None:
            return self.refusal(command, result)
        unit = result.unit
        parent = self.directory.tree.find(unit.parent_code or "")
        return Answer(self.tr("unit.added", code=unit.code, name=unit.name, parent=parent.code,
                              parent_name=parent.name))

    async def rename(self, command: UnitCommand, now: datetime) -> Answer:
        result = await self.directory.rename_unit(self.actor, command.code, command.name, now)
        if result.refusal is not None:
            return self.refusal(command, result)
        return Answer(self.tr("unit.renamed", code=result.unit.code, old=result.previous.name,
                              name=result.unit.name))

    async def move(self, command: UnitCommand, now: datetime) -> Answer:
        result = await self.directory.move_unit(self.actor, command.code, command.parent, now)
        if result.refusal is not None:
            return self.refusal(command, result)
        unit = result.unit
        parent = self.directory.tree.find(unit.parent_code or "")
        return Answer(self.tr("unit.moved", code=unit.code, name=unit.name,
                              old=result.previous.parent_code or "—", parent=parent.code,
                              parent_name=parent.name))

    def refusal(self, command: UnitCommand, result: UnitChangeResult) -> Answer:
        """One line saying why, naming what was typed (cut short) or the unit in the way."""
        found, parent = result.unit, self.directory.tree.find(command.parent)
        return Answer(self.tr(
            "unit.refused." + result.refusal.value,
            code=found.code if found else _echo(command.code),
            name=found.name if found else "",
            parent=parent.code if parent else _echo(command.parent),
            limit=UNIT_NAME_LIMIT, length=len(clean_unit_name(command.name))))

    def listing(self) -> Answer:
        """The whole tree, a unit's children indented under it, each marked config or chat."""
        tree = self.directory.tree
        lines = [self.tr("unit.list_header", count=len(tree)), *self._tree_lines(tree)]
        return Answer("\n".join(lines))

    def _tree_lines(self, tree: UnitTree) -> list[str]:
        tr = self.tr
        marks = {True: tr("unit.from_config"), False: tr("unit.from_chat")}
        lines: list[str] = []
        pending = [(root, 0) for root in reversed(tree.roots())]
        while pending:
            unit, depth = pending.pop()
            lines.append(tr("unit.list_line", indent=INDENT * depth, code=unit.code,
                            name=unit.name, source=marks[unit.from_config]))
            pending.extend((child, depth + 1) for child in reversed(tree.children(unit.code)))
        return lines
