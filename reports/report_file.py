"""One report file, as the command line writes it and ``/report`` sends it (SPEC §6, §12).

json and csv carry the scope's figures; xlsx and docx add the table by unit
(:mod:`reports.unit_breakdown`). The file name is ``report-<UNIT>-<label>.<ext>``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime

from core.config_model import Config
from org.units import UnitTree
from reports.periods import Period
from reports.render.csv_report import render_csv
from reports.render.json_report import render_json
from reports.render.report_words import ReportWords, report_words_for
from reports.render.stats_text import Translate
from reports.stats import UnitStatistics, unit_statistics_for_config
from reports.unit_breakdown import UnitBreakdown, unit_breakdown
from storage.db import Database

TEXT_FORMATS = ("json", "csv")  # standard output by default on the command line
FILE_FORMATS = ("xlsx", "docx")  # a file named by ``report_filename`` by default
REPORT_FORMATS = (*TEXT_FORMATS, *FILE_FORMATS)


@dataclass(frozen=True)
class ReportFile:
    filename: str
    content: bytes
    stats: UnitStatistics  # the scope's figures, for a caption or a confirmation line


def report_filename(unit_code: str, label: str, report_format: str) -> str:
    return f"report-{unit_code}-{label}.{report_format}"


async def build_report_file(db: Database, tree: UnitTree, config: Config, tr: Translate,
                            unit_code: str, period: Period, report_format: str, *,
                            now: datetime) -> ReportFile:
    """The report of ``unit_code``'s subtree over ``period`` in ``report_format``.

    Raise ``reports.stats.UnknownUnit`` for a code that names no unit and ``ValueError`` for a
    format not in ``REPORT_FORMATS``.
    """
    if report_format not in REPORT_FORMATS:
        raise ValueError(report_format)
    if report_format in TEXT_FORMATS:
        stats = await unit_statistics_for_config(db, tree, config, unit_code, period, now=now)
        render = render_json if report_format == "json" else render_csv
        content = render(stats).encode("utf-8")
    else:
        breakdown = await unit_breakdown(db, tree, config, unit_code, period, now=now)
        stats = breakdown.total
        words = report_words_for(config, tr)
        issued_on = now.astimezone(config.timezone).date()
        content = await asyncio.to_thread(render_office_file, report_format, breakdown, words,
                                          issued_on)
    return ReportFile(report_filename(stats.unit_code, period.label, report_format), content,
                      stats)


def render_office_file(report_format: str, breakdown: UnitBreakdown, words: ReportWords,
                       issued_on: date) -> bytes:
    """An XLSX or DOCX report. openpyxl and python-docx take about a second and tens of MB to
    import: they load here, on the first report that needs them (in a worker thread, off the
    event loop), so neither the bot's start nor a bot that never writes one pays for them."""
    if report_format == "xlsx":
        from reports.render.xlsx_report import render_xlsx

        return render_xlsx(breakdown, words)
    from reports.render.docx_report import render_docx

    return render_docx(breakdown, words, issued_on=issued_on)
