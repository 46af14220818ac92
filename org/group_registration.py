"""``/register`` (``/dangky``) and ``/groups`` (``/nhom``) as plain answers (SPEC §2, §13).

Who may link which group to which unit is decided here, for every channel: an officer of the
unit's subtree, or an admin (``org.staff.may_act_on_unit``, asked by ``org.groups``). The answer
is a :class:`core.answers.Answer` from the catalogue; the channel adapter draws it and, when a
group was newly linked (:attr:`Registered.linked`), takes its member count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from core.address import Address
from core.answers import Answer
from core.i18n import Translator
from org import groups as group_service
from org.groups import Registration, RegistrationResult
from org.units import UnitTree
from storage.db import Database
from storage.groups import GroupRecord
from storage.org_records import StaffMember
from tips.typed_words import echo, unit_not_in_scope

_LINKED_KEYS = {Registration.REGISTERED: "groups.registered", Registration.MOVED: "groups.moved",
                Registration.ALREADY: "groups.already"}


@dataclass(frozen=True)
class Registered:
    """What to say, and whether the group was newly linked (its member count is then taken)."""

    answer: Answer
    linked: bool = False


def registration_answer(tr: Translator, result: RegistrationResult, code: str, title: str,
                        usage_key: str = "groups.register_usage") -> Registered:
    if result.outcome is Registration.UNKNOWN_UNIT:
        return Registered(Answer("\n".join((tr("groups.unknown_unit", code=echo(code)),
                                            tr(usage_key)))))
    unit = result.unit
    assert unit is not None
    if result.outcome is Registration.OUT_OF_SCOPE:
        return Registered(Answer(tr("groups.out_of_scope", unit=unit.code)))
    text = tr(_LINKED_KEYS[result.outcome], title=title, unit=unit.code, unit_name=unit.name,
              previous=result.previous_unit_code or "")
    return Registered(Answer(text), linked=result.outcome is not Registration.ALREADY)


async def register_here(db: Database, tree: UnitTree, member: StaffMember, address: Address,
                        title: str, args: list[str], now: datetime, tr: Translator) -> Registered:
    """``/register CODE`` typed in the group itself."""
    if len(args) != 1:
        return Registered(Answer(tr("groups.register_usage")))
    code = args[0]
    result = await group_service.register_group(db, tree, member, address, title, code, now)
    return registration_answer(tr, result, code, title)


async def list_linked_groups(db: Database, tree: UnitTree, member: StaffMember,
                             args: list[str], tz: tzinfo, tr: Translator) -> Answer:
    """``/groups [CODE]``: the linked groups of the member's scope (or of one unit's subtree)."""
    if len(args) > 1:
        return Answer(tr("groups.usage"))
    unit_code = args[0] if args else None
    found = await group_service.groups_in_scope(db, tree, member, unit_code)
    if found is None:
        return Answer(unit_not_in_scope(tr, unit_code or ""))
    if not found:
        return Answer(tr("groups.list_empty"))
    lines = [tr("groups.list_header", count=len(found))]
    lines.extend(_group_line(tr, group, tz) for group in found)
    return Answer("\n".join(lines))


def _group_line(tr: Translator, group: GroupRecord, tz: tzinfo) -> str:
    members = (tr("groups.members", count=group.member_count)
               if group.member_count is not None else tr("groups.members_unknown"))
    last = (tr("groups.last_bulletin",
               date=group.last_bulletin_at.astimezone(tz).strftime("%d/%m/%Y"))
            if group.last_bulletin_at is not None else tr("groups.no_bulletin"))
    return tr("groups.list_line", title=group.title, unit=group.unit_code or "-",
              members=members, last=last, status=tr("groups.status_" + group.status))
