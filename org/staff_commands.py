"""``/staff add ID ROLE UNIT`` · ``remove ID`` · ``zalo ID ZALO_ID|-`` · ``list`` (``/canbo``): what
the admin's words ask, what the directory does about it, and the answer, as plain data every
channel draws (SPEC §7).

The adapter has already checked that the person is an admin in their private chat
(``org.permissions``); it passes the words after the command and draws the :class:`StaffAnswer`.
An ID is the person's numeric id on the channel the admin writes from (their Telegram user id
today): that is what an admin can read off a profile and type. ``zalo`` sets the staff member's
Zalo user id for the OA (what lets them type ``/dangky MÃ`` inside an OA group, SPEC §13), or
clears it with ``-``; staff declared in config.toml have theirs in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.address import Address
from core.answers import Answer
from org.directory import Directory, StaffChange
from org.roles import parse_role
from tips.typed_words import echo

Translate = Callable[..., str]

_CHANGE_KEYS = {
    StaffChange.ADDED: "staff.added",
    StaffChange.UPDATED: "staff.updated",
    StaffChange.REMOVED: "staff.removed",
    StaffChange.NOT_FOUND: "staff.not_found",
    StaffChange.DECLARED_IN_CONFIG: "staff.declared_in_config",
    StaffChange.SELF: "staff.self",
    StaffChange.ZALO_SET: "staff.zalo_set",
    StaffChange.ZALO_CLEARED: "staff.zalo_cleared",
}

# The words each action takes after its name.
ARGUMENT_COUNTS = {"add": 3, "remove": 1, "zalo": 2, "list": 0}
_LARGEST_ID = 2**63  # a database BIGINT, and every platform's numeric ids fit below it
CLEAR_WORD = "-"  # ``/staff zalo ID -``: no Zalo id any more
_LONGEST_ZALO_ID = 64  # the column's width; Zalo's ids for an OA are about 19 digits


@dataclass(frozen=True)
class StaffAnswer:
    """What to say, and whose command menu changed with their role (None: nobody's)."""

    answer: Answer
    role_changed_for: Address | None = None


def parse_staff_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < _LARGEST_ID \
        else None


def parse_zalo_user_id(text: str) -> str | None:
    """A Zalo user id as config.toml takes it (``[[staff]] zalo_user_id``): ASCII digits."""
    return text if text.isascii() and text.isdigit() and len(text) <= _LONGEST_ZALO_ID \
        else None


class StaffCommand:
    """One ``/staff`` command of one admin, answered in their language."""

    def __init__(self, directory: Directory, tr: Translate, actor: Address) -> None:
        self.directory = directory
        self.tr = tr
        self.actor = actor

    async def run(self, words: Sequence[str], now: datetime) -> StaffAnswer:
        action = words[0].lower() if words else ""
        if not words:
            return StaffAnswer(Answer(self.tr("staff.usage")))
        if action not in ARGUMENT_COUNTS:
            return self._refuse("staff.unknown_action", word=echo(words[0]))
        if len(words) - 1 != ARGUMENT_COUNTS[action]:
            return self._refuse("staff.wrong_count_" + action)
        if action == "list":
            return self.listing()
        if action == "add":
            return await self.add(words[1], words[2], words[3], now)
        if action == "zalo":
            return await self.set_zalo(words[1], words[2], now)
        return await self.remove(words[1], now)

    def _refuse(self, key: str, **values: object) -> StaffAnswer:
        """What was wrong, then the usage: the admin sees at once how to type it."""
        return StaffAnswer(Answer("\n".join((self.tr(key, **values), self.tr("staff.usage")))))

    def _address(self, person_id: int) -> Address:
        # The person is on the admin's own channel: the id was read off that channel.
        return Address(self.actor.channel, str(person_id))

    async def add(self, id_text: str, role_text: str, unit_code: str,
                  now: datetime) -> StaffAnswer:
        person_id, role = parse_staff_id(id_text), parse_role(role_text)
        if person_id is None:
            return self._refuse("staff.bad_id", word=echo(id_text))
        if role is None:
            return self._refuse("staff.bad_role", word=echo(role_text))
        address = self._address(person_id)
        result = await self.directory.add_staff(self.actor, address, role, unit_code, now)
        if result.change is StaffChange.UNKNOWN_UNIT:
            return self._refuse("staff.unknown_unit", code=echo(unit_code))
        member = result.member
        text = self.tr(_CHANGE_KEYS[result.change], id=person_id,
                       role=self.tr("roles." + (member.role.value if member else role.value)),
                       unit=member.unit_code if member else unit_code)
        changed = result.change in (StaffChange.ADDED, StaffChange.UPDATED)
        return StaffAnswer(Answer(text), address if changed else None)

    async def remove(self, id_text: str, now: datetime) -> StaffAnswer:
        person_id = parse_staff_id(id_text)
        if person_id is None:
            return self._refuse("staff.bad_id", word=echo(id_text))
        address = self._address(person_id)
        result = await self.directory.remove_staff(self.actor, address, now)
        text = self.tr(_CHANGE_KEYS[result.change], id=person_id)
        return StaffAnswer(Answer(text),
                           address if result.change is StaffChange.REMOVED else None)

    async def set_zalo(self, id_text: str, zalo_text: str, now: datetime) -> StaffAnswer:
        person_id = parse_staff_id(id_text)
        if person_id is None:
            return self._refuse("staff.bad_id", word=echo(id_text))
        zalo_user_id = None if zalo_text == CLEAR_WORD else parse_zalo_user_id(zalo_text)
        if zalo_user_id is None and zalo_text != CLEAR_WORD:
            # Not echoed: it may be someone's Zalo id, and a wrong one is no help to read back.
            return self._refuse("staff.bad_zalo_id")
        address = self._address(person_id)
        result = await self.directory.set_staff_zalo_id(self.actor, address, zalo_user_id, now)
        if result.change is StaffChange.ZALO_TAKEN:
            return StaffAnswer(Answer(self.tr("staff.zalo_taken",
                                              other=result.member.address.id)))
        if result.change is StaffChange.DECLARED_IN_CONFIG:
            return StaffAnswer(Answer(self.tr("staff.zalo_in_config", id=person_id)))
        return StaffAnswer(Answer(self.tr(_CHANGE_KEYS[result.change], id=person_id)))

    def listing(self) -> StaffAnswer:
        tr = self.tr
        members = self.directory.all_staff()
        lines = [tr("staff.list_header", count=len(members))]
        lines.extend(
            tr("staff.list_line", id=m.address.id, role=tr("roles." + m.role.value),
               unit=m.unit_code, source=tr("staff.from_config") if m.from_config else "")
            + (tr("staff.list_zalo") if m.zalo_user_id else "")
            for m in members)
        return StaffAnswer(Answer("\n".join(lines)))
