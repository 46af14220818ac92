"""The district of the reports (12 groups, 196 members, 36 bulletins, 106 tips → 7 knives,
4 guns, 5 stun batons; 6 cases, 69 persons) exported to DOCX and XLSX, on SQLite and PostgreSQL:
read back with python-docx and openpyxl, the files carry exactly those figures, and the table by
unit has one row per unit below the district and a total."""

from __future__ import annotations

import io

import docx
import openpyxl

from bot.config import load_config
from core.i18n import Translator
from reports.periods import parse_period
from reports.report_file import build_report_file
from tests.stats_seed import VN
from tests.storage.test_statistics import DISTRICT_PERIOD, NOW, build_district, unit_tree

ENV = {"LANG": "C"}


async def district_file(db, write_config, report_format: str):
    config = load_config(write_config(), ENV, need_token=False)  # default categories and kinds
    tree = await unit_tree(db)
    await build_district(db)
    period = parse_period(DISTRICT_PERIOD, now=NOW, tz=VN)
    return await build_report_file(db, tree, config, Translator("vi"), "TT", period,
                                   report_format, now=NOW)


async def test_district_docx_carries_exactly_the_reported_figures(db, write_config):
    report = await district_file(db, write_config, "docx")
    assert report.filename == f"report-TT-{DISTRICT_PERIOD}.docx"
    document = docx.Document(io.BytesIO(report.content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert tables[0][0][0].splitlines()[:2] == ["CÔNG AN TỈNH ĐỒNG THÁP", "CÔNG AN XÃ TÂN THÀNH"]
    assert "Độc lập - Tự do - Hạnh phúc" in tables[0][0][1]
    assert "Xã Tân Thành, ngày 01 tháng 06 năm 2026" in text
    assert "từ ngày 05/01/2026 đến ngày 10/05/2026" in text
    assert ("Xã Tân Thành có 12 nhóm với 196 thành viên; trong kỳ chuyển tải 36 bản tin "
            "(432 lượt gửi tới nhóm, 1 lượt lỗi); quần chúng cung cấp 106 nguồn tin, trong đó "
            "60 tin có giá trị; thu hồi 7 dao tự chế, 4 súng tự chế, 5 dùi cui điện; "
            "làm rõ 6 vụ, 69 đối tượng.") in text
    assert ("60 tin có giá trị, 30 tin không có giá trị, 6 tin sai sự thật, 10 tin chưa đánh "
            "giá; 80 tin đã kết thúc") in text
    assert "Ma túy 20, Trộm cắp 30, Lừa đảo qua mạng 26, Khác 30." in text
    assert "chưa đạt 1 tuần — tuần 07" in text

    activity, outcomes = tables[1], tables[2]
    # The district's own groups (8 of 16 members), then its hamlet (4 groups), then the total.
    assert activity[1:] == [
        ["1", "Xã Tân Thành (trực tiếp)", "8", "128", "36", "288", "70", "70", "40"],
        ["2", "Ấp 1", "4", "68", "36", "144", "36", "36", "20"],
        ["", "Tổng cộng", "12", "196", "36", "432", "106", "106", "60"],
    ]
    assert outcomes[0][2:] == ["Vụ việc được làm rõ", "Đối tượng", "Dao tự chế", "Súng tự chế",
                               "Dùi cui điện"]
    assert outcomes[1][2:] == ["6", "69", "7", "4", "0"]
    assert outcomes[2][2:] == ["0", "0", "0", "0", "5"]
    assert outcomes[3][2:] == ["6", "69", "7", "4", "5"]


async def test_district_xlsx_carries_exactly_the_reported_figures(db, write_config):
    report = await district_file(db, write_config, "xlsx")
    assert report.filename == f"report-TT-{DISTRICT_PERIOD}.xlsx"
    summary, by_unit, by_channel = openpyxl.load_workbook(io.BytesIO(report.content)).worksheets
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert {label: figures[label] for label in (
        "Số nhóm", "Số thành viên", "Bản tin đã chuyển tải", "Lượt gửi tới nhóm",
        "Lượt gửi lỗi", "Chỉ tiêu bản tin/nhóm/tuần", "Số tuần chưa đạt chỉ tiêu",
        "Nguồn tin tiếp nhận", "Tin có giá trị", "Tin không có giá trị", "Tin sai sự thật",
        "Tin chưa đánh giá", "Tin đã kết thúc", "Ma túy", "Trộm cắp", "Lừa đảo qua mạng",
        "Cháy nổ", "Khác", "Vụ việc được làm rõ", "Đối tượng", "Dao tự chế", "Súng tự chế",
        "Dùi cui điện")} == {
        "Số nhóm": 12, "Số thành viên": 196, "Bản tin đã chuyển tải": 36,
        "Lượt gửi tới nhóm": 432, "Lượt gửi lỗi": 1, "Chỉ tiêu bản tin/nhóm/tuần": 2,
        "Số tuần chưa đạt chỉ tiêu": 1, "Nguồn tin tiếp nhận": 106, "Tin có giá trị": 60,
        "Tin không có giá trị": 30, "Tin sai sự thật": 6, "Tin chưa đánh giá": 10,
        "Tin đã kết thúc": 80, "Ma túy": 20, "Trộm cắp": 30, "Lừa đảo qua mạng": 26,
        "Cháy nổ": 0, "Khác": 30, "Vụ việc được làm rõ": 6, "Đối tượng": 69, "Dao tự chế": 7,
        "Súng tự chế": 4, "Dùi cui điện": 5}
    assert figures["Các tuần chưa đạt"] == "2026-W07"

    rows = list(by_unit.iter_rows(values_only=True))
    column = {heading: index for index, heading in enumerate(rows[0])}
    total = rows[-1]
    assert total[1] == "Tổng cộng" and len(rows) == 4
    for heading, expected in (("Số nhóm", 12), ("Số thành viên", 196),
                              ("Nguồn tin tiếp nhận", 106), ("Tin có giá trị", 60),
                              ("Đối tượng", 69), ("Dùi cui điện", 5)):
        assert total[column[heading]] == expected
        # Every count but the distinct bulletins adds up over the rows.
        assert sum(row[column[heading]] for row in rows[1:-1]) == expected

    # Only Telegram is configured and carried anything: its row holds every figure.
    channels = list(by_channel.iter_rows(values_only=True))
    assert channels[0][:2] == ("Kênh", "Số nhóm")
    assert channels[1:3] == [("Telegram", 12, 196, 432, 1, 106),
                             ("Tổng cộng", 12, 196, 432, 1, 106)]
    assert [row[0] for row in rows[1:-1]] == ["TT", "TT-A1"]
