"""``/report`` in chat (SPEC §6, §7): an officer gets the Báo cáo of their scope as a file sent
with sendDocument, docx unless they ask for xlsx or csv; other units, bad words and residents
get one line and no file."""

from __future__ import annotations

import csv
import io

import docx
import openpyxl

from tests.e2e.test_stats_chat import seed_march
from tests.e2e.tip_steps import say


async def test_officer_gets_this_month_report_as_a_docx_file(harness):
    fake, people = harness.fake, harness.people
    await seed_march(harness.bot.services.db)
    message = await say(fake, people.officer, "/report")
    upload = await fake.wait_for_call("sendDocument")
    assert upload.params["chat_id"] == people.officer.id
    assert message["document"]["file_name"] == "report-TT-TANTHANH-2026-03.docx"
    assert message["caption"] == (
        "Báo cáo TT-TANTHANH — Xã Tân Thành, kỳ 2026-03 (từ 01/03/2026 đến 31/03/2026).")
    action = await fake.wait_for_call("sendChatAction")
    assert action.params["action"] == "upload_document"
    assert action.at <= upload.at

    document = docx.Document(io.BytesIO(upload.files["document"]))
    text = "\n".join(p.text for p in document.paragraphs)
    header = document.tables[0].rows[0].cells
    assert header[0].text.splitlines()[:2] == ["CÔNG AN TỈNH ĐỒNG THÁP", "CÔNG AN XÃ TÂN THÀNH"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Xã Tân Thành, ngày 05 tháng 03 năm 2026" in text
    assert ("có 3 nhóm với 1.235 thành viên; trong kỳ chuyển tải 1 bản tin (3 lượt gửi tới "
            "nhóm, 0 lượt lỗi); quần chúng cung cấp 2 nguồn tin, trong đó 1 tin có giá trị; "
            "làm rõ 1 vụ, 3 đối tượng.") in text
    rows = [[c.text for c in row.cells][:4] for row in document.tables[1].rows]
    assert rows[1:] == [["1", "Xã Tân Thành (trực tiếp)", "2", "1.230"],
                        ["2", "Ấp 1", "1", "5"], ["", "Tổng cộng", "3", "1.235"]]


async def test_alias_takes_period_unit_and_format_in_any_order(harness):
    fake, people = harness.fake, harness.people
    await seed_march(harness.bot.services.db)
    message = await say(fake, people.officer, "/baocao xlsx tt-tanthanh-a1 2026-03")
    assert message["document"]["file_name"] == "report-TT-TANTHANH-A1-2026-03.xlsx"
    upload = await fake.wait_for_call("sendDocument")
    summary = openpyxl.load_workbook(io.BytesIO(upload.files["document"])).worksheets[0]
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert (figures["Số nhóm"], figures["Số thành viên"], figures["Tin sai sự thật"]) == (1, 5, 1)

    province = await say(fake, people.admin, "/report DT csv")
    assert province["document"]["file_name"] == "report-DT-2026-03.csv"
    upload = await fake.wait_for_call("sendDocument")
    table = dict(list(csv.reader(io.StringIO(upload.files["document"].decode("utf-8"))))[1:])
    assert table["groups.members"] == "1325" and table["tips.received"] == "3"


async def test_report_refuses_other_scopes_bad_words_and_residents(harness):
    fake, people = harness.fake, harness.people
    await seed_march(harness.bot.services.db)
    foreign = (await say(fake, people.officer, "/report TT-BINHTHANH"))["text"]
    unknown = (await say(fake, people.officer, "/report NOWHERE"))["text"]
    assert foreign.replace("TT-BINHTHANH", "X") == unknown.replace("NOWHERE", "X")
    assert "90" not in foreign
    assert "«pdf»" in (await say(fake, people.officer, "/report month pdf"))["text"]
    bad = (await say(fake, people.officer, "/report 2026-13 TT-TANTHANH docx"))["text"]
    assert "«2026-13»" in bad and "2026-Q1" in bad
    two = (await say(fake, people.officer, "/report docx xlsx"))["text"]
    assert "docx, xlsx" in two and "\n" not in two
    refused = (await say(fake, people.resident, "/baocao"))["text"]
    assert refused == "Lệnh này chỉ dành cho cán bộ công an của đơn vị."  # it counts tips
    assert fake.calls_to("sendDocument") == []


async def test_report_is_in_the_staff_menu_and_help_only(harness):
    fake, people = harness.fake, harness.people
    officer_help = (await say(fake, people.officer, "/help"))["text"]
    assert "/report" in officer_help and "/baocao" in officer_help
    resident_help = (await say(fake, people.resident, "/help"))["text"]
    assert "/report" not in resident_help
    await harness.settle()
    menu = [c["command"] for c in fake.commands("chat", "vi", chat_id=people.officer.id)]
    assert "report" in menu and "baocao" in menu
    assert "report" not in [c["command"] for c in fake.commands("all_private_chats", "vi")]
