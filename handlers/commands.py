"""The command table of SPEC §7 for what is built so far: names, aliases, who, where.

``/help`` and ``setMyCommands`` both read it, so the menu and the help text cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.access import Place
from org.roles import Role, role_allows


@dataclass(frozen=True)
class CommandSpec:
    name: str
    alias: str | None
    role: Role | None  # None: everyone
    places: tuple[Place, ...]

    @property
    def help_key(self) -> str:
        return f"commands.{self.name}"

    def names(self) -> tuple[str, ...]:
        return (self.name, self.alias) if self.alias else (self.name,)

    def open_to(self, role: Role | None) -> bool:
        return self.role is None or role_allows(role, self.role)


PRIVATE, GROUP = Place.PRIVATE, Place.GROUP

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", None, None, (PRIVATE,)),
    CommandSpec("help", "huongdan", None, (PRIVATE, GROUP)),
    CommandSpec("cancel", "huy", None, (PRIVATE,)),
    CommandSpec("tip", "baotin", None, (PRIVATE, GROUP)),
    CommandSpec("status", "trangthai", None, (PRIVATE,)),
    CommandSpec("reply", "traloi", None, (PRIVATE,)),
    CommandSpec("privacy", "baomat", None, (PRIVATE, GROUP)),
    CommandSpec("tips", "nguontin", Role.EDITOR, (PRIVATE,)),
    CommandSpec("assess", "danhgia", Role.OFFICER, (PRIVATE,)),
    CommandSpec("outcome", "ketqua", Role.OFFICER, (PRIVATE,)),
    CommandSpec("close", "dong", Role.OFFICER, (PRIVATE,)),
    CommandSpec("block", "chan", Role.OFFICER, (PRIVATE,)),
    CommandSpec("bulletin", "bantin", Role.EDITOR, (PRIVATE,)),
    CommandSpec("queue", "hangdoi", Role.EDITOR, (PRIVATE,)),
    CommandSpec("alert", "khancap", Role.OFFICER, (PRIVATE,)),
    CommandSpec("schedule", "lich", Role.OFFICER, (PRIVATE,)),
    CommandSpec("register", "dangky", Role.OFFICER, (GROUP,)),
    CommandSpec("groups", "nhom", Role.EDITOR, (PRIVATE,)),
    CommandSpec("stats", "thongke", Role.EDITOR, (PRIVATE,)),
    CommandSpec("report", "baocao", Role.EDITOR, (PRIVATE,)),
    CommandSpec("staff", "canbo", Role.ADMIN, (PRIVATE,)),
    CommandSpec("unit", "donvi", Role.ADMIN, (PRIVATE,)),
)


def commands_for(role: Role | None, place: Place) -> list[CommandSpec]:
    return [c for c in COMMANDS if c.open_to(role) and place in c.places]
