"""Reports name what they count (issue 15, item 13): with outcome kinds configured as in SPEC §9
(a label and a counting word), every outcome figure of the DOCX results paragraph, the ``/stats``
text and the weekly summary stands with its kind's label; "thu hồi 7 cái, 4 khẩu, 5 cái" says
nothing of what was recovered."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

import docx

from core.config_model import OutcomeKind
from core.i18n import Translator
from reports.periods import parse_period
from reports.render.docx_report import render_docx
from reports.render.report_words import ReportWords, outcome_actions
from reports.render.stats_text import render_stats_text
from reports.stats import BulletinFigures, GroupFigures, TipFigures, UnitStatistics
from reports.unit_breakdown import BreakdownRow, UnitBreakdown

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
# [[outcomes.kinds]] as SPEC §9 writes them: a label (a heading, maybe with commas) and a
# counting word.
SPEC_KINDS = (
    OutcomeKind("cases", "Vụ việc được làm rõ, xử lý", "vụ"),
    OutcomeKind("persons", "Đối tượng", "đối tượng"),
    OutcomeKind("knives", "Dao tự chế", "cái"),
    OutcomeKind("guns", "Súng tự chế", "khẩu"),
    OutcomeKind("stun_batons", "Roi điện", "cái"),
    OutcomeKind("motorbikes", "Xe máy tang vật", None),
)
RESULTS = {"cases": 6, "persons": 69, "knives": 7, "guns": 4, "stun_batons": 5,
           "motorbikes": 2}
# Each figure as it must read: the kind's label, then the number and its counting word.
NAMED = ("Vụ việc được làm rõ, xử lý: 6 vụ", "Đối tượng: 69", "Dao tự chế: 7 cái",
         "Súng tự chế: 4 khẩu", "Roi điện: 5 cái", "Xe máy tang vật: 2")


def statistics(outcomes: dict[str, int]) -> UnitStatistics:
    return UnitStatistics(
        unit_code="TT", unit_name="Xã Tân Thành", period=parse_period("2026-Q1", now=NOW, tz=VN),
        groups=GroupFigures(37, 666), bulletins=BulletinFigures(24, 888, 0, 2, ()),
        tips=TipFigures(106, 60, 30, 6, 10, 80, MappingProxyType({"drugs": 106})),
        outcomes=MappingProxyType(outcomes))


def words(kinds: tuple[OutcomeKind, ...] = SPEC_KINDS, language: str = "vi") -> ReportWords:
    return ReportWords(Translator(language), (), kinds)


def bare_figures(text: str) -> list[str]:
    """Numbers followed by a counting word only ("7 cái"), with no label before them."""
    return re.findall(r"(?<!: )\b\d+ (?:cái|khẩu|vụ)\b", text)


def results_paragraph_of_docx(content: bytes) -> str:
    paragraphs = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    return next(p for p in paragraphs if p.startswith("Đến hết kỳ"))


def test_docx_results_paragraph_names_the_kind_of_every_figure():
    stats = statistics(RESULTS)
    content = render_docx(UnitBreakdown(stats, (BreakdownRow(stats, own=True),), None),
                          words(), issued_on=date(2026, 4, 2))
    paragraph = results_paragraph_of_docx(content)
    for figure in NAMED:
        assert figure in paragraph, (figure, paragraph)
    assert bare_figures(paragraph) == [], paragraph
    # A configured label is a heading, never put under the verb of the default kinds.
    assert "thu hồi" not in paragraph and "làm rõ 6" not in paragraph
    # Labels may hold commas: configured figures are separated by semicolons.
    assert "Vụ việc được làm rõ, xử lý: 6 vụ; " in paragraph


def test_default_kinds_read_as_the_reports_sent_up_do():
    defaults = tuple(OutcomeKind(key, None, None)
                     for key in ("cases", "persons", "knives", "guns", "stun_batons"))
    actions = outcome_actions({"cases": 6, "persons": 69, "knives": 7, "guns": 4,
                               "stun_batons": 5}, words(defaults))
    assert actions == ["thu hồi 7 dao tự chế, 4 súng tự chế, 5 dùi cui điện",
                       "làm rõ 6 vụ, 69 đối tượng"]
    english = outcome_actions({"knives": 7, "cases": 6}, words(defaults, "en"))
    assert english == ["recovered 7 homemade knives", "cleared up 6 cases"]


def test_stats_text_names_the_kind_of_every_figure_one_a_line():
    text = render_stats_text(statistics(RESULTS), words())
    lines = text.splitlines()
    assert "Kết quả:" in lines
    for figure in NAMED:
        assert f"• {figure}" in lines, (figure, text)
    assert bare_figures(text) == [], text


def test_stats_text_of_default_kinds_names_them_from_the_catalogue():
    defaults = tuple(OutcomeKind(key, None, None) for key in ("cases", "persons", "knives"))
    text = render_stats_text(statistics({"cases": 6, "persons": 69, "knives": 0}),
                             words(defaults))
    assert "• Vụ việc được làm rõ: 6 vụ" in text and "• Đối tượng: 69" in text
    assert "Dao tự chế" not in text  # no results of that kind: left out, like categories
    quiet = render_stats_text(statistics({"cases": 0}), words(defaults))
    assert "Kết quả: chưa có" in quiet
    english = render_stats_text(statistics({"cases": 6, "knives": 7}), words(defaults, "en"))
    assert "• Cases cleared up: 6 cases" in english and "• Homemade knives: 7" in english
