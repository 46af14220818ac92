"""``/staff`` and ``/unit`` as use cases (``org.staff_commands``, ``org.unit_commands``), driven
without a bot on SQLite and PostgreSQL: the admin's words in, the plain answer out."""

from __future__ import annotations

from core.address import Address
from core.i18n import Translator
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.staff_commands import StaffCommand
from org.unit_commands import UnitCommands
from org.units import Unit
from tests.stats_seed import local

ADMIN = Address("telegram", "1001")
UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT", "Xã Tân Thành", "DT")]
NOW = local(2026, 3, 5)
EN = Translator("en")


async def directory_for(db) -> Directory:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [StaffMember(ADMIN, Role.ADMIN, "DT", True)], NOW)
    return directory


async def test_staff_add_answers_and_names_whose_menu_changed(db):
    directory = await directory_for(db)
    command = StaffCommand(directory, EN, ADMIN)
    result = await command.run(["add", "42", "officer", "tt"], NOW)
    assert result.answer.text == EN("staff.added", id=42, role=EN("roles.officer"), unit="TT")
    assert result.role_changed_for == Address("telegram", "42")
    assert directory.staff_member(Address("telegram", "42")).role is Role.OFFICER
    again = await command.run(["add", "42", "editor", "TT"], NOW)
    assert again.answer.text.startswith(EN("staff.updated", id=42, role=EN("roles.editor"),
                                           unit="TT"))


async def test_staff_mistakes_are_answered_with_the_usage_and_change_nothing(db):
    directory = await directory_for(db)
    command = StaffCommand(directory, EN, ADMIN)
    usage = EN("staff.usage")
    for words, first_line in (
            (["fire", "42"], EN("staff.unknown_action", word="fire")),
            (["add", "42"], EN("staff.wrong_count_add")),
            (["add", "-5", "officer", "TT"], EN("staff.bad_id", word="-5")),
            (["add", "42", "chief", "TT"], EN("staff.bad_role", word="chief")),
            (["add", "42", "officer", "NOPE"], EN("staff.unknown_unit", code="NOPE"))):
        result = await command.run(words, NOW)
        assert result.answer.text == f"{first_line}\n{usage}"
        assert result.role_changed_for is None
    assert [m.address for m in directory.all_staff()] == [ADMIN]
    assert (await command.run([], NOW)).answer.text == usage


async def test_staff_remove_refuses_oneself_and_config_staff_and_lists_the_rest(db):
    directory = await directory_for(db)
    command = StaffCommand(directory, EN, ADMIN)
    assert (await command.run(["remove", "1001"], NOW)).answer.text == \
        EN("staff.declared_in_config", id=1001)
    await command.run(["add", "42", "officer", "TT"], NOW)
    removed = await command.run(["remove", "42"], NOW)
    assert removed.answer.text == EN("staff.removed", id=42)
    assert removed.role_changed_for == Address("telegram", "42")
    assert (await command.run(["remove", "42"], NOW)).role_changed_for is None
    listing = (await command.run(["list"], NOW)).answer.text.split("\n")
    assert listing == [EN("staff.list_header", count=1),
                       EN("staff.list_line", id="1001", role=EN("roles.admin"), unit="DT",
                          source=EN("staff.from_config"))]


async def test_unit_commands_add_rename_move_and_list(db):
    directory = await directory_for(db)
    commands = UnitCommands(directory, EN, ADMIN)
    added = await commands.run('add TT-A1 "Ấp 1" TT', NOW)
    assert added.text == EN("unit.added", code="TT-A1", name="Ấp 1", parent="TT",
                            parent_name="Xã Tân Thành")
    renamed = await commands.run("rename tt-a1 “Ấp Một”", NOW)
    assert renamed.text == EN("unit.renamed", code="TT-A1", old="Ấp 1", name="Ấp Một")
    moved = await commands.run("move TT-A1 DT", NOW)
    assert moved.text == EN("unit.moved", code="TT-A1", name="Ấp Một", old="TT", parent="DT",
                            parent_name="Tỉnh Đồng Tháp")
    lines = (await commands.run("list", NOW)).text.split("\n")
    assert lines[0] == EN("unit.list_header", count=3)
    assert [line.split(" — ")[0].strip() for line in lines[1:]] == ["• DT", "• TT", "• TT-A1"]
    assert lines[3].startswith("    • TT-A1") and lines[3].endswith(EN("unit.from_chat"))


async def test_unit_refusals_name_what_was_typed_or_the_unit_in_the_way(db):
    directory = await directory_for(db)
    commands = UnitCommands(directory, EN, ADMIN)
    assert (await commands.run('add X "name', NOW)).text == EN("unit.usage")
    refused = await commands.run("rename TT Other", NOW)
    assert refused.text == EN("unit.refused.declared_in_config", code="TT", name="Xã Tân Thành",
                              parent="", limit=200, length=5)
    assert len(directory.tree) == 2
