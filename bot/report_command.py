"""``python -m bot report --period P [--unit CODE] --format json|csv [--out PATH]`` (SPEC §8, §12).

The figures come from ``reports.stats``, the same API as ``/stats`` in chat. ``--unit`` defaults
to the root unit (an error naming the roots when there are several); json and csv go to standard
output unless ``--out`` names a file. xlsx and docx are not built yet: they are refused before
anything is opened. Exit status as in ``bot.cli``: 0 done, 2 a bad argument (period, unit,
format), 1 the database unreachable or the file not writable; the reason goes to standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.clock import Clock
from bot.config_model import Config
from bot.i18n import t
from bot.runtime import prepare_storage
from org.units import UnitTree
from reports.periods import PeriodError, parse_period
from reports.render.csv_report import render_csv
from reports.render.json_report import render_json
from reports.stats import unit_statistics_for_config

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BUILT_FORMATS = {"json": render_json, "csv": render_csv}
REPORT_FORMATS = ("json", "csv", "xlsx", "docx")


class ReportRefused(Exception):
    """A reason to stop, already worded for the person at the terminal."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def report_unit(tree: UnitTree, requested: str | None, language: str) -> str:
    """The unit to report on: the one asked for, else the only root."""
    if requested is not None:
        unit = tree.find(requested)
        if unit is None:
            raise ReportRefused(t(language, "cli.report_unknown_unit", code=requested,
                                  codes=", ".join(u.code for u in tree)))
        return unit.code
    roots = tree.roots()
    if not roots:
        raise ReportRefused(t(language, "cli.report_no_units"))
    if len(roots) > 1:
        raise ReportRefused(t(language, "cli.report_several_roots",
                              codes=", ".join(u.code for u in roots)))
    return roots[0].code


async def run_report(config: Config, clock: Clock, *, period_text: str, unit_code: str | None,
                     report_format: str, out: Path | None) -> int:
    try:
        code, label, text = await _report_text(config, clock, period_text, unit_code,
                                               report_format)
        if out is None:
            sys.stdout.write(text)
        else:
            _write(out, text, config.language)
            print(t(config.language, "cli.report_written", unit=code, label=label, path=out))
    except ReportRefused as refusal:
        print(refusal, file=sys.stderr)
        return refusal.status
    return EXIT_OK


async def _report_text(config: Config, clock: Clock, period_text: str, unit_code: str | None,
                       report_format: str) -> tuple[str, str, str]:
    """(unit code, period label, the rendered report)."""
    language = config.language
    render = BUILT_FORMATS.get(report_format)
    if render is None:
        raise ReportRefused(t(language, "cli.report_format_not_built", format=report_format))
    now = clock.now()
    try:
        period = parse_period(period_text, now=now, tz=config.timezone)
    except PeriodError as err:
        raise ReportRefused(t(language, "cli.report_bad_period", period=period_text,
                              detail=err)) from None
    try:
        db, directory = await prepare_storage(config, clock)
    except (OperationalError, DBAPIError, OSError) as err:
        raise ReportRefused(t(language, "cli.db_unreachable",
                              storage=config.storage_url.split(":", 1)[0],
                              detail=err.__class__.__name__), EXIT_FAILED) from None
    try:
        code = report_unit(directory.tree, unit_code, language)
        stats = await unit_statistics_for_config(db, directory.tree, config, code, period,
                                                 now=now)
    finally:
        await db.close()
    return code, period.label, render(stats)


def _write(path: Path, text: str, language: str) -> None:
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as err:
        raise ReportRefused(t(language, "cli.report_cannot_write", path=path,
                              detail=err.strerror or err.__class__.__name__),
                            EXIT_FAILED) from None
