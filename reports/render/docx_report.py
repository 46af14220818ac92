"""The report as a Word document in the layout of a Vietnamese "Báo cáo" (SPEC §6).

Top left the issuing unit ("CÔNG AN TỈNH ĐỒNG THÁP" over "CÔNG AN XÃ TÂN THÀNH", then the
number line), top right the national motto; the place and date; the title and subtitle; the
period; the results paragraph in the reports' own phrasing; then the table by unit (two tables:
eight or more outcome columns beside the activity figures would not fit a portrait A4 page); then,
where more than one channel is configured or carried anything, the table by channel (SPEC §13).
Every word comes from the catalogue or config.toml, numbers as ``/stats`` writes them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from reports.render.channel_figures import CHANNEL_COLUMNS, channel_name, total_figures
from reports.render.report_words import (
    BULLETIN_FIGURES,
    GROUP_FIGURES,
    TIP_FIGURES,
    Figure,
    ReportWords,
    figure_columns,
    outcome_actions,
    outcome_columns,
    unit_row_name,
)
from reports.render.stats_text import format_day
from reports.stats import SMS, UnitStatistics
from reports.unit_breakdown import UnitBreakdown

FONT = "Times New Roman"  # the typeface of Vietnamese administrative documents
BODY_SIZE = Pt(13)
TABLE_SIZE = Pt(10)
HEADER_WIDTHS = (Cm(6.5), Cm(9.5))  # issuing unit, motto: 16 cm between A4 margins of 3 and 2
# The first table keeps the counts a superior reads first; all figures are in the XLSX.
ACTIVITY_KEYS = ("groups", "members", "bulletins_sent", "deliveries", "tips_received", "cases",
                 "valuable")


def render_docx(breakdown: UnitBreakdown, words: ReportWords, *, issued_on: date) -> bytes:
    document = Document()
    _page_setup(document)
    stats = breakdown.total
    _header(document, breakdown, words, issued_on)
    tr = words.tr
    _centred(document, tr("exports.title"), bold=True, size=Pt(14), space_before=Pt(12))
    _centred(document, tr("exports.subtitle", label=stats.period.label), bold=True)
    _centred(document, tr("exports.period", first=format_day(stats.period.first_day),
                          last=format_day(stats.period.last_day)), italic=True)
    _heading(document, tr("exports.section_results"))
    _body(document, results_paragraph(stats, words))
    _body(document, _target_sentence(stats, words))
    tips = stats.tips
    n = words.count
    _body(document, tr("exports.assessments", valuable=n(tips.valuable),
                       not_valuable=n(tips.not_valuable), false=n(tips.false),
                       unassessed=n(tips.unassessed), closed=n(tips.closed)))
    _body(document, _category_sentence(stats, words))
    _heading(document, tr("exports.section_units"))
    activity = [f for f in (*GROUP_FIGURES, *BULLETIN_FIGURES, *TIP_FIGURES)
                if f[0] in ACTIVITY_KEYS]
    _body(document, tr("exports.table_activity"), bold=True)
    _unit_table(document, breakdown, words, figure_columns(words, activity))
    _body(document, tr("exports.table_outcomes"), bold=True)
    _unit_table(document, breakdown, words, outcome_columns(stats, words))
    if len(breakdown.rows) > 1:
        _body(document, tr("exports.note_bulletins"), italic=True)
    if len(stats.by_channel) > 1:
        _body(document, tr("exports.table_channels"), bold=True)
        _channel_table(document, stats, words)
        if SMS in stats.by_channel:
            _body(document, tr("exports.note_sms"), italic=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def results_paragraph(stats: UnitStatistics, words: ReportWords) -> str:
    """"… có 12 nhóm với 196 thành viên; … chuyển tải 36 bản tin …; quần chúng cung cấp 106
    nguồn tin, trong đó 60 tin có giá trị; thu hồi …; làm rõ 6 vụ, 69 đối tượng."""
    tr, n = words.tr, words.count
    actions = outcome_actions(stats.outcomes, words)
    outcomes = (tr("exports.outcome_clause",
                   actions=tr("exports.action_separator").join(actions)) if actions else "")
    text = tr("exports.results", unit_name=stats.unit_name, groups=n(stats.groups.count),
              members=n(stats.groups.members), bulletins=n(stats.bulletins.sent),
              deliveries=n(stats.bulletins.deliveries), failed=n(stats.bulletins.failed),
              tips=n(stats.tips.received), valuable=n(stats.tips.valuable), outcomes=outcomes)
    return text if actions else text + tr("exports.outcomes_none")


def _target_sentence(stats: UnitStatistics, words: ReportWords) -> str:
    tr, bulletins = words.tr, stats.bulletins
    target = words.count(bulletins.weekly_target)
    if not bulletins.weeks_below_target:
        return tr("stats.target_met", target=target)
    weeks = tr("stats.list_separator").join(
        _week_text(label, words) for label in bulletins.weeks_below_target)
    return tr("stats.target_missed", target=target,
              count=words.count(len(bulletins.weeks_below_target)), weeks=weeks)


def _week_text(label: str, words: ReportWords) -> str:
    year, week = label.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    sunday = date.fromisocalendar(int(year), int(week), 7)
    return words.tr("stats.week", week=week, first=format_day(monday), last=format_day(sunday))


def _category_sentence(stats: UnitStatistics, words: ReportWords) -> str:
    items = [words.tr("stats.item", label=words.category_label(key), count=words.count(number))
             for key, number in stats.tips.by_category.items() if number]
    if not items:
        return words.tr("exports.by_category_none")
    return words.tr("exports.by_category", items=words.tr("stats.list_separator").join(items))


def _page_setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = document.styles["Normal"]
    style.font.name = FONT  # type: ignore[attr-defined]
    style.font.size = BODY_SIZE  # type: ignore[attr-defined]


def _header(document: DocumentObject, breakdown: UnitBreakdown, words: ReportWords,
            issued_on: date) -> None:
    tr, stats = words.tr, breakdown.total
    table = document.add_table(rows=1, cols=2)  # the default table style has no borders
    table.autofit = False
    left, right = table.rows[0].cells
    for column, cell, width in zip(table.columns, (left, right), HEADER_WIDTHS, strict=True):
        column.width = cell.width = width
    lines: list[tuple[str, bool, bool]] = []  # (text, bold, underlined)
    if breakdown.parent_name:
        lines.append((tr("exports.issuer", name=breakdown.parent_name.upper()), False, False))
    lines.append((tr("exports.issuer", name=stats.unit_name.upper()), True, True))
    lines.append((tr("exports.number"), False, False))
    _cell_lines(left, lines)
    _cell_lines(right, [(tr("exports.state"), True, False), (tr("exports.motto"), True, True)])
    place_date = document.add_paragraph()
    place_date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = place_date.add_run(tr("exports.place_date", place=stats.unit_name,
                                day=f"{issued_on.day:02d}", month=f"{issued_on.month:02d}",
                                year=issued_on.year))
    run.italic = True


def _cell_lines(cell: _Cell, lines: Sequence[tuple[str, bool, bool]]) -> None:
    for index, (text, bold, underlined) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.underline = bold, underlined
        run.font.size = Pt(12)


def _centred(document: DocumentObject, text: str, *, bold: bool = False, italic: bool = False,
             size: Pt | None = None, space_before: Pt | None = None) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if space_before is not None:
        paragraph.paragraph_format.space_before = space_before
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = size
    return paragraph


def _heading(document: DocumentObject, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.add_run(text).bold = True


def _body(document: DocumentObject, text: str, *, bold: bool = False,
          italic: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic


def _unit_table(document: DocumentObject, breakdown: UnitBreakdown, words: ReportWords,
                columns: Sequence[Figure]) -> Table:
    tr, n = words.tr, words.count
    table = document.add_table(rows=1, cols=len(columns) + 2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    headings = [tr("exports.number_column"), tr("exports.unit_column"),
                *(heading for heading, _ in columns)]
    _fill(table.rows[0].cells, headings, bold=True)
    for index, row in enumerate(breakdown.rows, start=1):
        _fill(table.add_row().cells,
              [str(index), unit_row_name(row.stats, row.own, words),
               *(n(value(row.stats)) for _, value in columns)])
    _fill(table.add_row().cells,
          ["", tr("exports.total_row"), *(n(value(breakdown.total)) for _, value in columns)],
          bold=True)
    return table


def _channel_table(document: DocumentObject, stats: UnitStatistics,
                   words: ReportWords) -> Table:
    tr, n = words.tr, words.count
    table = document.add_table(rows=1, cols=len(CHANNEL_COLUMNS) + 2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fill(table.rows[0].cells, [tr("exports.number_column"), tr("exports.channel_column"),
                                *(tr("exports.figure." + key) for key, _ in CHANNEL_COLUMNS)],
          bold=True)
    for index, (name, figures) in enumerate(stats.by_channel.items(), start=1):
        _fill(table.add_row().cells, [str(index), channel_name(name, tr),
                                      *(n(value(figures)) for _, value in CHANNEL_COLUMNS)])
    totals = total_figures(stats)
    _fill(table.add_row().cells, ["", tr("exports.total_row"),
                                  *(n(value(totals)) for _, value in CHANNEL_COLUMNS)],
          bold=True)
    return table


def _fill(cells: Sequence[_Cell], texts: Sequence[str], *, bold: bool = False) -> None:
    for column, (cell, text) in enumerate(zip(cells, texts, strict=True)):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = (WD_ALIGN_PARAGRAPH.LEFT if column == 1
                               else WD_ALIGN_PARAGRAPH.CENTER)
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = TABLE_SIZE
