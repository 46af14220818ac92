"""The report as an Excel workbook: a summary sheet and a sheet by unit (SPEC §6).

The summary follows the Báo cáo: title, unit, period, then every figure of the report JSON with
its label (categories and outcome kinds as configured, outcome headings with their units). The
sheet by unit has one row per row of :class:`reports.unit_breakdown.UnitBreakdown` (the scope's
direct children, see there why) and a total row. The sheet by channel has one row per channel
(SPEC §13; every configured channel, with 0s), the report's totals and a note on SMS. Numbers
are numeric cells, so an officer can sum and chart them; words come from the catalogue.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.render.channel_figures import CHANNEL_COLUMNS, channel_name, total_figures
from reports.render.report_words import (
    BULLETIN_FIGURES,
    GROUP_FIGURES,
    TIP_FIGURES,
    Figure,
    ReportWords,
    category_columns,
    figure_columns,
    outcome_columns,
    unit_row_name,
)
from reports.render.stats_text import format_day
from reports.stats import UnitStatistics
from reports.unit_breakdown import UnitBreakdown

NUMBER_FORMAT = "#,##0"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
LABEL_WIDTH = 44
VALUE_WIDTH = 16


def render_xlsx(breakdown: UnitBreakdown, words: ReportWords) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = words.tr("exports.sheet_summary")
    _write_summary(summary, breakdown.total, words)
    _write_units(workbook.create_sheet(words.tr("exports.sheet_units")), breakdown, words)
    _write_channels(workbook.create_sheet(words.tr("exports.sheet_channels")), breakdown.total,
                    words)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_summary(sheet: Worksheet, stats: UnitStatistics, words: ReportWords) -> None:
    tr = words.tr
    period = stats.period
    sheet.append([tr("exports.title")])
    sheet.append([tr("exports.subtitle", label=period.label)])
    sheet["A1"].font = TITLE
    sheet["A2"].font = BOLD
    sheet.append([])
    sheet.append([tr("exports.unit_line"), f"{stats.unit_code} — {stats.unit_name}"])
    sheet.append([tr("exports.period_line"),
                  tr("exports.period_value", label=period.label,
                     first=format_day(period.first_day), last=format_day(period.last_day))])
    _section(sheet, tr("exports.section_groups"), figure_columns(words, GROUP_FIGURES), stats)
    # The target stands just before the count of weeks that fell short of it.
    *deliveries, (weeks_label, weeks_below) = figure_columns(words, BULLETIN_FIGURES)
    _section(sheet, tr("exports.section_bulletins"), deliveries, stats)
    _figure_row(sheet, tr("exports.target"), stats.bulletins.weekly_target)
    _figure_row(sheet, weeks_label, weeks_below(stats))
    weeks = tr("stats.list_separator").join(stats.bulletins.weeks_below_target)
    sheet.append([tr("exports.weeks_list"), weeks])
    _section(sheet, tr("exports.section_tips"), figure_columns(words, TIP_FIGURES), stats)
    _section(sheet, tr("exports.section_categories"), category_columns(stats, words), stats)
    _section(sheet, tr("exports.section_outcomes"), outcome_columns(stats, words), stats)
    sheet.column_dimensions["A"].width = LABEL_WIDTH
    sheet.column_dimensions["B"].width = VALUE_WIDTH


def _section(sheet: Worksheet, heading: str, columns: Sequence[Figure],
             stats: UnitStatistics) -> None:
    sheet.append([])
    sheet.append([heading])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for label, value in columns:
        _figure_row(sheet, label, value(stats))


def _figure_row(sheet: Worksheet, label: str, number: int) -> None:
    sheet.append([label, number])
    sheet.cell(row=sheet.max_row, column=2).number_format = NUMBER_FORMAT


def _write_units(sheet: Worksheet, breakdown: UnitBreakdown, words: ReportWords) -> None:
    total = breakdown.total
    columns = [*figure_columns(words, GROUP_FIGURES), *figure_columns(words, BULLETIN_FIGURES),
               *figure_columns(words, TIP_FIGURES), *category_columns(total, words),
               *outcome_columns(total, words)]
    tr = words.tr
    sheet.append([tr("exports.code_column"), tr("exports.unit_column"),
                  *(heading for heading, _ in columns)])
    for row in breakdown.rows:
        sheet.append([row.stats.unit_code, unit_row_name(row.stats, row.own, words),
                      *(value(row.stats) for _, value in columns)])
    sheet.append(["", tr("exports.total_row"), *(value(total) for _, value in columns)])
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = BOLD
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_cells in sheet.iter_rows(min_row=2, min_col=3):
        for cell in row_cells:
            cell.number_format = NUMBER_FORMAT
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = VALUE_WIDTH
    sheet.column_dimensions["B"].width = LABEL_WIDTH // 2 + 6
    for index in range(3, len(columns) + 3):
        sheet.column_dimensions[get_column_letter(index)].width = VALUE_WIDTH - 2


def _write_channels(sheet: Worksheet, stats: UnitStatistics, words: ReportWords) -> None:
    tr = words.tr
    sheet.append([tr("exports.channel_column"),
                  *(tr("exports.figure." + key) for key, _ in CHANNEL_COLUMNS)])
    for name, figures in stats.by_channel.items():
        sheet.append([channel_name(name, tr), *(value(figures) for _, value in CHANNEL_COLUMNS)])
    totals = total_figures(stats)
    sheet.append([tr("exports.total_row"), *(value(totals) for _, value in CHANNEL_COLUMNS)])
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = BOLD
    for row_cells in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row_cells:
            cell.number_format = NUMBER_FORMAT
    sheet.append([])
    sheet.append([tr("exports.note_sms")])
    sheet.column_dimensions["A"].width = VALUE_WIDTH
    for index in range(2, len(CHANNEL_COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = VALUE_WIDTH
