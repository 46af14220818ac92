"""Who may do what, and where (SPEC §1, §7, §12): the command table and the one rule that reads it.

``/help``, the command menus and every refusal read the same rows, so what a person is offered
and what they may really do cannot disagree. A channel adapter asks :func:`refusal` before it runs
a command or a button (Telegram: ``handlers.access.requires``, ``handlers.commands.guard``) and
answers the catalogue key it returns; *which units* a staff member may act on is the other half
of the rule, :func:`org.staff.may_act_on_unit` and :func:`org.staff.scope_codes`, asked by the
use cases themselves with the unit in hand.

Tips are need-to-know (SPEC §12): everything that shows a tip, its code or a count of tips needs
an officer (admins rank above). Editors write bulletins; ``/stats`` shows them groups and
bulletins only, ``/report`` is the officers' Báo cáo and is refused them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from org.roles import Role, role_allows


class Place(StrEnum):
    """Where a person speaks: their private chat with the bot, or a group (SPEC §2)."""

    PRIVATE = "private"
    GROUP = "group"
    ANY = "any"


@dataclass(frozen=True)
class Permission:
    """What an action asks of the person: a role (or above; None: anyone), and a place."""

    role: Role | None = None
    place: Place = Place.ANY


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

    @property
    def permission(self) -> Permission:
        """What running the command (or a button that does what it does) asks."""
        return Permission(self.role, self.places[0] if len(self.places) == 1 else Place.ANY)


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
    """What /help and the menu offer a person with ``role`` in ``place``."""
    return [c for c in COMMANDS if c.open_to(role) and place in c.places]


def command_spec(name: str) -> CommandSpec:
    return next(c for c in COMMANDS if c.name == name)


def refusal(permission: Permission, held: Role | None, place: Place) -> str | None:
    """None when a person holding ``held`` (None: a resident) may act in ``place``; else the
    catalogue key of the one line that says why not, naming the role or the place it needs and
    nothing about tips, counts or groups (SPEC §12). The role is checked first."""
    if permission.role is not None and not role_allows(held, permission.role):
        return "access.needs_" + permission.role.value
    if permission.place is not Place.ANY and place is not permission.place:
        return "access.only_in_" + permission.place.value
    return None
