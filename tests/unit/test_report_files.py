"""The XLSX and DOCX reports read back with openpyxl and python-docx: numbers in numeric cells
and table cells, the Báo cáo header and title, the labels of config.toml, English for an English
deployment; and the words of ``/report``."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

import docx
import openpyxl

from core.config_model import Category, OutcomeKind
from core.i18n import Translator
from reports.periods import parse_period
from reports.render.docx_report import render_docx
from reports.render.report_words import ReportWords, outcome_actions
from reports.render.xlsx_report import render_xlsx
from reports.report_request import (
    ReportRequest,
    ReportRequestError,
    ReportRequestProblem,
    read_report_request,
)
from reports.stats import BulletinFigures, GroupFigures, TipFigures, UnitStatistics
from reports.unit_breakdown import BreakdownRow, UnitBreakdown

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
CATEGORIES = (Category("drugs", None), Category("theft", "Trộm cắp tài sản"),
              Category("other", None))
KINDS = (OutcomeKind("cases", "Vụ việc được làm rõ, xử lý", "vụ"),
         OutcomeKind("persons", None, None), OutcomeKind("knives", None, None),
         OutcomeKind("motorbikes", "Xe máy tang vật", "chiếc"))


def unit(code: str, name: str, groups: int, members: int, tips: int, valuable: int,
         outcomes: dict[str, int], weeks: tuple[str, ...] = ()) -> UnitStatistics:
    return UnitStatistics(
        unit_code=code, unit_name=name, period=parse_period("2026-Q1", now=NOW, tz=VN),
        groups=GroupFigures(groups, members),
        bulletins=BulletinFigures(24, groups * 24, 1, 2, weeks),
        tips=TipFigures(tips, valuable, tips - valuable - 2, 1, 1, tips - 3,
                        MappingProxyType({"drugs": tips - 5, "theft": 5, "other": 0}),
                        cases=tips - 2),
        outcomes=MappingProxyType({"cases": 0, "persons": 0, "knives": 0, "motorbikes": 0}
                                  | outcomes),
    )


def commune() -> UnitBreakdown:
    hamlet_a = unit("TT-A1", "Ấp 1", 20, 1200, 40, 30, {"cases": 2, "persons": 5, "knives": 3})
    hamlet_b = unit("TT-A2", "Ấp 2", 17, 466, 20, 10, {"cases": 1, "motorbikes": 2})
    total = unit("TT", "Xã Tân Thành", 37, 1666, 60, 40,
                 {"cases": 3, "persons": 5, "knives": 3, "motorbikes": 2}, ("2026-W07",))
    rows = (BreakdownRow(hamlet_a, own=False), BreakdownRow(hamlet_b, own=False))
    return UnitBreakdown(total, rows, "Tỉnh Đồng Tháp")


def words(language: str = "vi") -> ReportWords:
    return ReportWords(Translator(language), CATEGORIES, KINDS)


def docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(content))
    tables = [[[cell.text for cell in row.cells] for row in table.rows]
              for table in document.tables]
    return "\n".join(p.text for p in document.paragraphs), tables


def test_docx_has_the_bao_cao_header_title_results_and_table_by_unit():
    text, tables = docx_text(render_docx(commune(), words(), issued_on=date(2026, 4, 2)))
    header = tables[0][0]
    assert header[0].splitlines() == ["CÔNG AN TỈNH ĐỒNG THÁP", "CÔNG AN XÃ TÂN THÀNH",
                                      "Số:          /BC"]
    assert header[1].splitlines() == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                      "Độc lập - Tự do - Hạnh phúc"]
    assert "Xã Tân Thành, ngày 02 tháng 04 năm 2026" in text
    assert "\nBÁO CÁO\n" in text and "kỳ 2026-Q1" in text
    assert "từ ngày 01/01/2026 đến ngày 31/03/2026" in text
    assert ("có 37 nhóm với 1.666 thành viên; trong kỳ chuyển tải 24 bản tin (888 lượt gửi "
            "tới nhóm, 1 lượt lỗi); quần chúng cung cấp 60 nguồn tin, trong đó 40 tin có giá "
            "trị; thu hồi 3 dao tự chế; làm rõ 5 đối tượng; Vụ việc được làm rõ, xử lý: 3 vụ; "
            "Xe máy tang vật: 2 chiếc."
            ) in text
    assert "tuần 07 (09/02/2026–15/02/2026)" in text
    assert "Ma túy 55, Trộm cắp tài sản 5." in text and "Khác" not in text

    activity, outcomes = tables[1], tables[2]
    assert activity[0][:4] == ["STT", "Đơn vị", "Số nhóm", "Số thành viên"]
    assert activity[1][:4] == ["1", "Ấp 1", "20", "1.200"]
    assert activity[2][:4] == ["2", "Ấp 2", "17", "466"]
    assert activity[3] == ["", "Tổng cộng", "37", "1.666", "24", "888", "60", "58", "40"]
    # Outcome headings carry the configured label, and the unit unless the label says it.
    assert outcomes[0] == ["STT", "Đơn vị", "Vụ việc được làm rõ, xử lý", "Đối tượng",
                           "Dao tự chế", "Xe máy tang vật (chiếc)"]
    assert outcomes[3] == ["", "Tổng cộng", "3", "5", "3", "2"]


def test_xlsx_summary_and_unit_sheets_hold_numbers_in_numeric_cells():
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(commune(), words())))
    summary, by_unit, by_channel = workbook.worksheets
    assert (summary.title, by_unit.title, by_channel.title) == ("Tổng hợp", "Theo đơn vị",
                                                               "Theo kênh")
    assert summary["A1"].value == "BÁO CÁO"
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert figures["Đơn vị"] == "TT — Xã Tân Thành"
    assert figures["Kỳ báo cáo"] == "2026-Q1: 01/01/2026 – 31/03/2026"
    assert figures["Số nhóm"] == 37 and figures["Số thành viên"] == 1666
    assert figures["Lượt gửi tới nhóm"] == 888 and figures["Số tuần chưa đạt chỉ tiêu"] == 1
    assert figures["Chỉ tiêu bản tin/nhóm/tuần"] == 2 and figures["Các tuần chưa đạt"] == "2026-W07"
    assert figures["Nguồn tin tiếp nhận"] == 60 and figures["Tin có giá trị"] == 40
    assert figures["Trộm cắp tài sản"] == 5 and figures["Khác"] == 0
    assert figures["Vụ việc được làm rõ, xử lý"] == 3 and figures["Xe máy tang vật (chiếc)"] == 2
    assert all(isinstance(figures[k], int) for k in ("Số nhóm", "Dao tự chế", "Tin sai sự thật"))

    rows = list(by_unit.iter_rows(values_only=True))
    heading = rows[0]
    assert heading[:4] == ("Mã đơn vị", "Đơn vị", "Số nhóm", "Số thành viên")
    assert [row[:4] for row in rows[1:]] == [("TT-A1", "Ấp 1", 20, 1200),
                                            ("TT-A2", "Ấp 2", 17, 466),
                                            (None, "Tổng cộng", 37, 1666)]
    motorbikes = heading.index("Xe máy tang vật (chiếc)")
    assert [row[motorbikes] for row in rows[1:]] == [0, 2, 2]


def test_an_english_deployment_gets_an_english_report():
    english = words("en")
    text, tables = docx_text(render_docx(commune(), english, issued_on=date(2026, 4, 2)))
    assert tables[0][0][1].splitlines() == ["SOCIALIST REPUBLIC OF VIET NAM",
                                            "Independence - Freedom - Happiness"]
    assert "\nREPORT\n" in text and "Xã Tân Thành, 02/04/2026" in text
    assert "37 groups with 1,666 members" in text
    # Configured labels are the file's words, in any language.
    assert ("recovered 3 homemade knives; cleared up 5 persons; Vụ việc được làm rõ, xử lý: 3 vụ"
            in text)
    assert "BÁO CÁO" not in text and "nhóm" not in text
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(commune(), english)))
    assert [sheet.title for sheet in workbook.worksheets] == ["Summary", "By unit", "By channel"]


def test_a_commune_without_results_says_so_and_leaves_zero_kinds_out():
    tr = Translator("vi")
    assert outcome_actions({"cases": 0, "knives": 0}, words()) == []
    assert outcome_actions({"knives": 0, "persons": 4, "motorbikes": 1}, words()) == [
        "làm rõ 4 đối tượng", "Xe máy tang vật: 1 chiếc"]
    quiet = unit("TT-A2", "Ấp 2", 1, 5, 0, 0, {})
    breakdown = UnitBreakdown(quiet, (BreakdownRow(quiet, own=False),), None)
    text, tables = docx_text(render_docx(breakdown, words(), issued_on=date(2026, 4, 2)))
    assert tr("exports.outcomes_none").strip() in text
    assert tables[0][0][0].splitlines()[0] == "CÔNG AN ẤP 2"  # no unit above: one line
    assert tables[1][1][:2] == ["1", "Ấp 2"] and tables[1][2][:3] == ["", "Tổng cộng", "1"]


def read(words_: str) -> ReportRequest | ReportRequestError:
    return read_report_request(words_.split(), default_unit="TT", now=NOW, tz=VN)


def test_report_words_default_to_docx_this_month_and_take_the_format_anywhere():
    request = read("")
    assert isinstance(request, ReportRequest)
    assert (request.period.label, request.unit_code, request.report_format) == (
        "2026-03", "TT", "docx")
    for text in ("xlsx 2026-Q1 TT-A1", "TT-A1 XLSX 2026-Q1", "2026-Q1 TT-A1 xlsx"):
        request = read(text)
        assert isinstance(request, ReportRequest)
        assert (request.period.label, request.unit_code, request.report_format) == (
            "2026-Q1", "TT-A1", "xlsx")
    assert read("csv").report_format == "csv" and read("csv").unit_code == "TT"


def test_report_words_that_make_no_request_are_named():
    bad = read("2026-13 TT")
    assert isinstance(bad, ReportRequestError)
    assert (bad.problem, bad.word) == (ReportRequestProblem.BAD_PERIOD, "2026-13")
    assert "month 13 does not exist" in str(bad.reason)
    lone = read("2026-13")  # alone it is still a period typed wrong, not a unit
    assert isinstance(lone, ReportRequestError) and lone.problem is ReportRequestProblem.BAD_PERIOD
    assert read("docx xlsx") == ReportRequestError(ReportRequestProblem.TWO_FORMATS)
    assert read("week chart") == ReportRequestError(ReportRequestProblem.UNKNOWN_WORD, "chart")
    assert read("week TT pdf") == ReportRequestError(ReportRequestProblem.TOO_MANY_WORDS)
