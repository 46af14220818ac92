"""``/staff zalo ID ZALO_ID|-`` (SPEC §7, §13) as a use case on SQLite and PostgreSQL: a staff
member's Zalo id for the OA set and cleared in chat, unique, audited without the id, shown in
``/staff list`` as set or not, kept across a restart, and config.toml's ids seeding the table."""

from __future__ import annotations

from sqlalchemy import select

from core.address import Address
from core.i18n import Translator
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.staff_commands import StaffCommand
from org.units import Unit
from storage.schema import audit_log, staff
from tests.stats_seed import local

ADMIN = Address("telegram", "1001")
CONFIG_OFFICER = Address("telegram", "1002")
UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT", "Xã Tân Thành", "DT")]
NOW = local(2026, 3, 5)
EN = Translator("en")
ZALO_ID = "3000000000000007919"
CONFIG_ZALO_ID = "3000000000000001234"


def declared(officer_zalo_id: str | None = CONFIG_ZALO_ID) -> list[StaffMember]:
    return [StaffMember(ADMIN, Role.ADMIN, "DT", True),
            StaffMember(CONFIG_OFFICER, Role.OFFICER, "TT", True, officer_zalo_id)]


async def directory_for(db, officer_zalo_id: str | None = CONFIG_ZALO_ID) -> Directory:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, declared(officer_zalo_id), NOW)
    return directory


async def test_an_admin_sets_and_clears_a_staff_members_zalo_id_and_it_is_kept(db):
    directory = await directory_for(db)
    command = StaffCommand(directory, EN, ADMIN)
    await command.run(["add", "42", "officer", "TT"], NOW)

    answer = await command.run(["zalo", "42", ZALO_ID], NOW)
    assert answer.answer.text == EN("staff.zalo_set", id=42)
    assert directory.staff_by_zalo_user_id(ZALO_ID).address == Address("telegram", "42")
    # A role change keeps the id; a new directory (a restart) reads it from the table.
    await command.run(["add", "42", "editor", "TT"], NOW)
    restarted = Directory(db)
    await restarted.reload()
    assert restarted.staff_by_zalo_user_id(ZALO_ID).role is Role.EDITOR
    listing = (await command.run(["list"], NOW)).answer.text.split("\n")
    assert EN("staff.list_line", id="42", role=EN("roles.editor"), unit="TT", source="") \
        + EN("staff.list_zalo") in listing
    assert ZALO_ID not in "\n".join(listing)  # whether one is set, not the id itself

    cleared = await command.run(["zalo", "42", "-"], NOW)
    assert cleared.answer.text == EN("staff.zalo_cleared", id=42)
    assert directory.staff_by_zalo_user_id(ZALO_ID) is None
    async with db.reading() as conn:
        row = (await conn.execute(select(staff.c.zalo_user_id)
                                  .where(staff.c.address == Address("telegram", "42")))).one()
        audit = (await conn.execute(select(audit_log.c.action, audit_log.c.detail)
                                    .where(audit_log.c.action == "staff.zalo")
                                    .order_by(audit_log.c.id))).all()
    assert row.zalo_user_id is None
    assert [(a.action, a.detail) for a in audit] == [("staff.zalo", "set"),
                                                      ("staff.zalo", "cleared")]


async def test_a_zalo_id_belongs_to_one_staff_member_and_bad_words_change_nothing(db):
    directory = await directory_for(db)
    command = StaffCommand(directory, EN, ADMIN)
    await command.run(["add", "42", "officer", "TT"], NOW)
    await command.run(["add", "43", "officer", "TT"], NOW)
    await command.run(["zalo", "42", ZALO_ID], NOW)

    taken = await command.run(["zalo", "43", ZALO_ID], NOW)
    assert taken.answer.text == EN("staff.zalo_taken", other="42")
    taken_by_config = await command.run(["zalo", "43", CONFIG_ZALO_ID], NOW)
    assert taken_by_config.answer.text == EN("staff.zalo_taken", other="1002")
    # Setting one's own id again is no clash.
    assert (await command.run(["zalo", "42", ZALO_ID], NOW)).answer.text == \
        EN("staff.zalo_set", id=42)
    usage = EN("staff.usage")
    for words, first_line in (
            (["zalo", "43"], EN("staff.wrong_count_zalo")),
            (["zalo", "43", "zalo-của-tôi"], EN("staff.bad_zalo_id")),
            (["zalo", "43", "١٢٣"], EN("staff.bad_zalo_id")),  # digits, but not ASCII ones
            (["zalo", "43", "9" * 65], EN("staff.bad_zalo_id")),
            (["zalo", "x", ZALO_ID], EN("staff.bad_id", word="x"))):
        assert (await command.run(words, NOW)).answer.text == f"{first_line}\n{usage}"
    assert (await command.run(["zalo", "77", "5"], NOW)).answer.text == \
        EN("staff.not_found", id=77)
    assert (await command.run(["zalo", "1002", "5"], NOW)).answer.text == \
        EN("staff.zalo_in_config", id=1002)
    assert directory.staff_member(Address("telegram", "43")).zalo_user_id is None
    assert directory.staff_member(CONFIG_OFFICER).zalo_user_id == CONFIG_ZALO_ID


async def test_config_seeds_the_ids_and_takes_one_back_from_chat_staff(db):
    directory = await directory_for(db, officer_zalo_id=None)
    command = StaffCommand(directory, EN, ADMIN)
    await command.run(["add", "42", "officer", "TT"], NOW)
    await command.run(["zalo", "42", CONFIG_ZALO_ID], NOW)
    assert directory.staff_member(CONFIG_OFFICER).zalo_user_id is None

    # The next start-up's file gives that id to the config officer: the file wins.
    await directory.sync_from_config(UNITS, declared(CONFIG_ZALO_ID), NOW)
    assert directory.staff_by_zalo_user_id(CONFIG_ZALO_ID).address == CONFIG_OFFICER
    assert directory.staff_member(Address("telegram", "42")).zalo_user_id is None
    # Dropped from the file, the config officer's id goes with it.
    await directory.sync_from_config(UNITS, declared(None), NOW)
    assert directory.staff_by_zalo_user_id(CONFIG_ZALO_ID) is None
