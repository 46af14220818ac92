"""The people and groups of a shell session, made in the emulator.

Staff are the config's staff, with the config's Telegram ids; one resident is added. Groups are
made the honest way: the bot is added to each group and a staff member of its unit runs
``/register CODE`` there, through the real handlers.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from channels.telegram_addresses import address_of_chat
from core.config_model import Config
from core.i18n import t
from emulators.telegram import FakeChat, FakeTelegramAPI, FakeUser
from org.units import UnitTree
from storage import groups as group_store
from storage.db import Database

from .demo import GroupPlan

RESIDENT = "resident"
ROLE_ORDER = (RESIDENT, "officer", "editor", "admin")


@dataclass(frozen=True)
class Person:
    key: str  # what ``:as`` takes: the role, numbered from the second one on (``officer2``)
    user: FakeUser
    role: str
    unit_code: str | None

    @property
    def name(self) -> str:
        return self.user.first_name


@dataclass
class Group:
    number: int  # what ``:group`` takes, besides part of the title
    chat: FakeChat
    planned_unit: str | None  # the unit the shell had it registered to at start-up
    unit_code: str | None = None  # the unit it is registered to now, as the database says

    @property
    def title(self) -> str:
        return self.chat.title or ""


def folded(text: str) -> str:
    """Lower case without Vietnamese marks, so ``:group binh hoa`` finds "Bình Hòa"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass
class Cast:
    people: dict[str, Person]
    groups: list[Group]

    def person_of_chat(self, chat_id: int) -> Person | None:
        return next((p for p in self.people.values() if p.user.id == chat_id), None)

    def group_of_chat(self, chat_id: int) -> Group | None:
        return next((g for g in self.groups if g.chat.id == chat_id), None)

    def find_group(self, name: str) -> Group | None:
        if name.isdigit():
            return next((g for g in self.groups if g.number == int(name)), None)
        wanted = folded(name)
        return next((g for g in self.groups if wanted in folded(g.title)), None)


def make_people(fake: FakeTelegramAPI, config: Config) -> dict[str, Person]:
    language = config.language
    numbers: Counter[str] = Counter()

    def name_for(role: str) -> str:
        numbers[role] += 1
        if numbers[role] == 1:
            return t(language, f"shell.demo.{role}")
        return t(language, "shell.demo.other", role=t(language, f"shell.role_names.{role}"),
                 number=numbers[role])

    people: dict[str, Person] = {}
    resident = fake.user(name_for(RESIDENT), language_code=language)
    people[RESIDENT] = Person(RESIDENT, resident, RESIDENT, None)
    for declared in sorted(config.staff, key=lambda s: ROLE_ORDER.index(s.role)):
        name = name_for(declared.role)
        key = declared.role if numbers[declared.role] == 1 else (
            f"{declared.role}{numbers[declared.role]}")
        user = fake.user(name, language_code=language, user_id=declared.telegram_id)
        people[key] = Person(key, user, declared.role, declared.unit)
    return people


def plans_for_config(config: Config) -> list[GroupPlan]:
    """Without the demo's groups: one group for each unit below a root."""
    roots = {u.code for u in config.units if u.parent is None}
    return [GroupPlan(t(config.language, "shell.demo.group_of_unit", unit=u.name), u.code, 12)
            for u in config.units if u.code not in roots]


def registrar_for(people: dict[str, Person], tree: UnitTree, unit_code: str) -> Person | None:
    """An officer whose scope holds the unit, else an admin: who may run /register there."""
    for role in ("officer", "admin"):
        for person in people.values():
            if person.role != role or person.unit_code is None:
                continue
            if role == "admin" or tree.contains(person.unit_code, unit_code):
                return person
    return None


async def read_registrations(db: Database, groups: list[Group]) -> None:
    """Each group's unit as the bot has it (``/register`` may have changed it since)."""
    async with db.reading() as conn:
        for group in groups:
            record = await group_store.find_group(conn, address_of_chat(group.chat.id))
            active = record is not None and record.status == group_store.ACTIVE
            group.unit_code = record.unit_code if active and record else None


def add_group(fake: FakeTelegramAPI, groups: list[Group], title: str, members: int,
              added_by: FakeUser, planned_unit: str | None = None) -> Group:
    """A new group; ``added_by`` adds the bot as administrator, as in a real neighbourhood
    group (the bot may then delete a ``/tip`` posted there)."""
    chat = fake.group(title, members=members)
    group = Group(len(groups) + 1, chat, planned_unit)
    groups.append(group)
    fake.add_bot_to_group(chat, added_by, as_admin=True)
    return group


async def make_groups(fake: FakeTelegramAPI, db: Database, tree: UnitTree,
                      people: dict[str, Person], plans: list[GroupPlan],
                      settle: Callable[[], Awaitable[object]]) -> list[Group]:
    """Create each group, have a staff member of its unit register it there with /register,
    and read back what the database made of it."""
    groups: list[Group] = []
    for plan in plans:
        registrar = registrar_for(people, tree, plan.unit_code)
        if registrar is None:
            continue
        group = add_group(fake, groups, plan.title, plan.members, registrar.user, plan.unit_code)
        fake.send_message(registrar.user, f"/register {plan.unit_code}", chat=group.chat)
    await settle()
    await read_registrations(db, groups)
    return groups
