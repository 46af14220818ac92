"""The command table of SPEC §7 for what is built so far: names, aliases, who, where.

``/help``, ``setMyCommands`` and the refusals (``guard``) all read it, so the menu, the help
text and what a person may really do cannot disagree.

Tips are need-to-know (SPEC §12): everything that shows a tip, its code or a count of tips needs
an officer (admins rank above). Editors write bulletins; ``/stats`` shows them groups and
bulletins only (``handlers.stats``), ``/report`` is the officers' Báo cáo and is refused them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.access import Callback, Place, requires
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
    CommandSpec("tips", "nguontin", Role.OFFICER, (PRIVATE,)),
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
    CommandSpec("report", "baocao", Role.OFFICER, (PRIVATE,)),
    CommandSpec("sms", "tinnhan", Role.OFFICER, (PRIVATE,)),
    CommandSpec("staff", "canbo", Role.ADMIN, (PRIVATE,)),
    CommandSpec("unit", "donvi", Role.ADMIN, (PRIVATE,)),
)


def commands_for(role: Role | None, place: Place) -> list[CommandSpec]:
    return [c for c in COMMANDS if c.open_to(role) and place in c.places]


def command_spec(name: str) -> CommandSpec:
    return next(c for c in COMMANDS if c.name == name)


def guard(name: str) -> Callable[[Callback], Callback]:
    """``requires`` with the role and place of the command's row: a handler (or a button that
    does what the command does) is refused exactly when /help and the menu leave it out."""
    spec = command_spec(name)
    place = spec.places[0] if len(spec.places) == 1 else Place.ANY
    return requires(spec.role, place=place)
