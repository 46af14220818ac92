"""The audit log read back (storage.audit.audit_entries) and exported (reports.audit_export),
on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from channels.telegram_addresses import address_of_chat as telegram
from core.i18n import Translator
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit, UnitTree
from reports.audit_export import (
    COLUMNS,
    audit_export,
    export_row,
    parse_audit_day,
    render_audit_csv,
    render_audit_json,
)
from reports.periods import PeriodError
from storage import tips as tip_store
from storage.audit import AuditRecord, audit_entries, record_action
from storage.bulletins import insert_bulletin
from storage.tip_records import ItemKind, TipItem

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = [Unit("DT", "Tỉnh", None), Unit("TT", "Xã Tân Thành", "DT"),
         Unit("BT", "Xã Bình Thành", "DT")]
OFFICER = StaffMember(telegram(1002), Role.OFFICER, "TT", True)
EDITOR = telegram(2001)
SENDER, SEALED = "pseudonym-of-the-tipster", "sealed-link-of-the-tipster"
START = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội time


async def seeded(db) -> Directory:
    """A tip in TT, a bulletin in BT and one act of each kind an hour apart."""
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [OFFICER], START)
    async with db.transaction() as conn:
        await tip_store.insert_tip(conn, code="TIP-AAAAAA", unit_code="TT", category="drugs",
                                   sender=SENDER, bulletin_id=None, relay_link=SEALED,
                                   items=[TipItem(ItemKind.TEXT, "chữ")], now=START)
        bulletin = await insert_bulletin(
            conn, unit_code="BT", topic="general", body="b", media_kind=None, media_file_id=None,
            status="queued", is_alert=False, created_by=OFFICER.address, now=START)
        acts = [
            (OFFICER.address, "tip.assess", "tip:TIP-AAAAAA", "valuable"),
            (OFFICER.address, "bulletin.create", f"bulletin:{bulletin.id}", "queued BT"),
            (OFFICER.address, "staff.add", f"staff:{EDITOR}", "editor TT"),
            (OFFICER.address, "staff.remove", f"staff:{EDITOR}", ""),
            (OFFICER.address, "unit.add", "unit:TT-A2", "TT Ấp 2"),
            (OFFICER.address, "sms.subscribe", "sms_subscriber:0123456789ab", "TT"),
            (None, "sms.sent", "sms:segments=1", "850"),
            (EDITOR, "tip.mystery", f"tip:{SENDER}", SEALED),  # an act this release lacks
        ]
        for hour, (actor, action, subject, detail) in enumerate(acts):
            await record_action(conn, at=START + timedelta(hours=hour), actor=actor,
                                action=action, subject=subject, detail=detail)
    return directory


async def test_entries_come_in_time_order_with_their_subjects_unit(db):
    await seeded(db)
    async with db.reading() as conn:
        records = await audit_entries(conn)
    assert [(r.action, r.unit_code) for r in records] == [
        ("tip.assess", "TT"), ("bulletin.create", "BT"), ("staff.add", "TT"),
        ("staff.remove", "TT"), ("unit.add", "TT-A2"), ("sms.subscribe", "TT"),
        ("sms.sent", None), ("tip.mystery", None)]


async def test_entries_between_two_instants_and_of_some_units(db):
    await seeded(db)
    async with db.reading() as conn:
        window = await audit_entries(conn, since=START + timedelta(hours=1),
                                     until=START + timedelta(hours=3))
        bt = await audit_entries(conn, unit_codes={"bt"})
        tt = await audit_entries(conn, unit_codes={"TT", "TT-A2"})
    assert [r.action for r in window] == ["bulletin.create", "staff.add"]
    assert [r.action for r in bt] == ["bulletin.create"]
    assert [r.action for r in tt] == ["tip.assess", "staff.add", "staff.remove", "unit.add",
                                      "sms.subscribe"]


async def test_export_names_role_and_id_and_never_a_resident(db):
    directory = await seeded(db)
    tree = UnitTree([*UNITS, Unit("TT-A2", "Ấp 2", "TT")])

    def role_of(address):
        member = directory.staff_member(address)
        return member.role if member is not None else None

    rows = await audit_export(db, tree, TZ, Translator("en"), role_of, since=None, until=None,
                              unit_code=None)
    first = rows[0]
    assert (first.at, first.actor, first.actor_role, first.action, first.action_text,
            first.subject, first.unit, first.detail) == (
        "2026-03-05T08:00:00+07:00", "telegram:1002", "officer", "tip.assess",
        "assessed the tip", "tip:TIP-AAAAAA", "TT", "valuable")
    by_action = {row.action: row for row in rows}
    assert by_action["sms.subscribe"].subject == "sms_subscriber"  # the number's key left out
    assert (by_action["sms.sent"].actor, by_action["sms.sent"].actor_role) == ("system", "system")
    mystery = by_action["tip.mystery"]
    assert (mystery.actor_role, mystery.subject, mystery.detail) == ("", "tip", "")
    both = render_audit_csv(rows) + render_audit_json(rows)
    assert SENDER not in both and SEALED not in both and "0123456789ab" not in both
    limited = await audit_export(db, tree, TZ, Translator("vi"), role_of,
                                 since=parse_audit_day("05/03/2026", TZ, now=START),
                                 until=parse_audit_day("2026-03-05", TZ, now=START),
                                 unit_code="TT")
    assert [r.action for r in limited] == ["tip.assess", "staff.add", "staff.remove", "unit.add",
                                           "sms.subscribe"]
    assert limited[0].action_text == "đánh giá tin báo"


def test_renderers_read_back():
    record_rows = [export_row(r, TZ, Translator("en"), lambda _: Role.ADMIN) for r in [
        _record("tip.close", "tip:TIP-BBBBBB", 'a "quoted", detail')]]
    table = list(csv.reader(io.StringIO(render_audit_csv(record_rows))))
    assert table[0] == list(COLUMNS)
    assert table[1][COLUMNS.index("detail")] == 'a "quoted", detail'
    assert table[1][COLUMNS.index("actor_role")] == "admin"
    document = json.loads(render_audit_json(record_rows))
    assert document[0]["action_text"] == "closed the tip" and document[0]["unit"] == "TT"


def _record(action, subject, detail):
    return AuditRecord(1, START, OFFICER.address, action, subject, detail, "TT")


def test_days_are_read_in_both_forms_and_whole():
    day = parse_audit_day("5/3/2026", TZ, now=START)
    assert day == parse_audit_day("2026-03-05", TZ, now=START)
    assert day.start_utc == datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    assert day.end_utc == datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
    with pytest.raises(PeriodError) as no_date:
        parse_audit_day("31/02/2026", TZ, now=START)
    assert "31/02/2026" in no_date.value.text("en") and "dd/mm/yyyy" in no_date.value.text("en")
    with pytest.raises(PeriodError):
        parse_audit_day("month", TZ, now=START)
