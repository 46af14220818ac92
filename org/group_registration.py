"""``/register`` (``/dangky``) and ``/groups`` (``/nhom``) as plain answers (SPEC §2, §13).

Who may link which group to which unit is decided here, for every channel: an officer of the
unit's subtree, or an admin (``org.staff.may_act_on_unit``, asked by ``org.groups``). The answer
is a :class:`core.answers.Answer` from the catalogue; the channel adapter draws it and, when a
group was newly linked (:attr:`Registered.linked`), takes its member count.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo

from core.address import Address
from core.answers import Answer
from core.i18n import Translator
from core.outbound import ChatUnavailable, SendFailure
from org import groups as group_service
from org.channel_groups import ChannelGroup, GroupDirectories, GroupDirectory
from org.groups import Registration, RegistrationResult
from org.roles import Role
from org.staff import may_act_on_unit
from org.units import UnitTree
from storage.db import Database
from storage.groups import ACTIVE, GroupRecord
from storage.org_records import StaffMember
from tips.typed_words import echo, unit_not_in_scope

log = logging.getLogger(__name__)

# The word staff type for a channel whose groups the bot can list and link from a private chat
# (``/nhom zalo``, ``/dangky MÃ zalo:<id>``: SPEC §13), and the channel it names.
GROUP_CHANNELS = {"zalo": "zalo_oa"}

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


def names_channel_group(args: list[str]) -> bool:
    """``CODE zalo:<id>``: a group of another channel linked from a private chat."""
    return len(args) == 2 and args[1].partition(":")[0].casefold() in GROUP_CHANNELS


async def register_channel_group(db: Database, tree: UnitTree, member: StaffMember,
                                 directories: GroupDirectories, args: list[str], now: datetime,
                                 tr: Translator) -> Answer:
    """``/register CODE zalo:<group_id>`` in a private chat: link a group of that channel."""
    usage = "groups.register_zalo_usage"
    if not names_channel_group(args):
        return Answer(tr(usage))
    code, (word, _, typed_id) = args[0], args[1].partition(":")
    directory = directories.group_directory(GROUP_CHANNELS[word.casefold()])
    if directory is None:
        return Answer(tr("groups.zalo_not_configured"))
    address = directory.address_of(typed_id)
    if address is None:
        return Answer("\n".join((tr("groups.zalo_unknown_group", id=echo(typed_id)), tr(usage))))
    result = await link_channel_group(db, tree, member, directory, address, code, now, tr,
                                      usage, typed_id=typed_id)
    return result.answer


async def link_channel_group(db: Database, tree: UnitTree, member: StaffMember,
                             directory: GroupDirectory, address: Address, code: str,
                             now: datetime, tr: Translator, usage_key: str, *,
                             typed_id: str = "") -> Registered:
    """Link a group the channel describes (its title and member count from the platform). The
    unit and the member's scope are checked first: a refusal asks nothing of the platform."""
    unit = tree.find(code)
    if unit is None or not may_act_on_unit(member, unit.code, tree, Role.OFFICER):
        outcome = Registration.UNKNOWN_UNIT if unit is None else Registration.OUT_OF_SCOPE
        return registration_answer(tr, RegistrationResult(outcome, unit), code, "", usage_key)
    try:
        group = await directory.group(address)
    except ChatUnavailable:
        return Registered(Answer("\n".join((tr("groups.zalo_unknown_group", id=echo(typed_id)),
                                            tr(usage_key)))))
    except SendFailure as failure:
        log.warning("group info of %s not read: %s", address, failure.reason)
        return Registered(Answer(tr("groups.zalo_unreachable")))
    result = await group_service.register_group(db, tree, member, address, group.title, code,
                                                now)
    registered = registration_answer(tr, result, code, group.title, usage_key)
    if registered.linked and group.members is not None:
        await group_service.member_count_taken(db, address, group.members, now)
    return registered


async def list_channel_groups(db: Database, directories: GroupDirectories, word: str,
                              tr: Translator) -> Answer:
    """``/groups zalo``: every group of the channel, its id to link it with, its member count
    and the unit it is linked to."""
    directory = directories.group_directory(GROUP_CHANNELS[word.casefold()])
    if directory is None:
        return Answer(tr("groups.zalo_not_configured"))
    try:
        found = await directory.groups()
    except SendFailure as failure:
        log.warning("the %s groups were not listed: %s", word, failure.reason)
        return Answer(tr("groups.zalo_unreachable"))
    if not found:
        return Answer(tr("groups.zalo_list_empty"))
    known = await group_service.groups_at([group.address for group in found], db)
    lines = [tr("groups.zalo_list_header", count=len(found))]
    lines.extend(_channel_group_line(tr, group, known.get(group.address)) for group in found)
    lines.append(tr("groups.zalo_list_footer"))
    return Answer("\n".join(lines))


def _channel_group_line(tr: Translator, group: ChannelGroup, record: GroupRecord | None) -> str:
    members = (tr("groups.members", count=group.members)
               if group.members is not None else tr("groups.members_unknown"))
    linked = (tr("groups.zalo_linked", unit=record.unit_code)
              if record is not None and record.unit_code and record.status == ACTIVE
              else tr("groups.status_seen"))
    return tr("groups.zalo_list_line", title=group.title, id=group.typed_id, members=members,
              linked=linked)


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
