"""``python -m bot report --period P [--unit CODE] --format json|csv|xlsx|docx [--out PATH]``
(SPEC §8, §12).

The figures come from ``reports.stats``, the same API as ``/stats`` in chat, and the file is the
one ``/report`` sends (``reports.report_file``). ``--unit`` defaults to the root unit (an error
naming the roots when there are several); json and csv go to standard output unless ``--out``
names a file, xlsx and docx to ``report-<UNIT>-<label>.<ext>`` in the current folder. Exit
status as in ``bot.cli``: 0 done, 2 a bad argument (period, unit), 1 the database missing or
unreachable or the file not writable; the reason goes to standard error.

A report reads what the bot stored: a SQLite file that does not exist is refused by its path,
never created (the figures of an empty database would read as a quiet month).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.runtime import prepare_storage
from bot.storage_failure import missing_database, storage_failure_message, storage_failures
from core.clock import Clock
from core.config_model import Config
from core.i18n import Translator, t
from org.directory import Directory
from org.units import UnitTree
from reports.periods import PeriodError, parse_period
from reports.report_file import REPORT_FORMATS as REPORT_FORMATS  # bot.cli's --format choices
from reports.report_file import TEXT_FORMATS, ReportFile, build_report_file
from reports.report_request import UnitChoiceError, UnitChoiceProblem, unit_for_whole_report
from storage.db import Database

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class ReportRefused(Exception):
    """A reason to stop, already worded for the person at the terminal."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def report_unit(tree: UnitTree, requested: str | None, language: str) -> str:
    """The unit to report on (``reports.report_request.unit_for_whole_report``), or why not."""
    chosen = unit_for_whole_report(tree, requested)
    if not isinstance(chosen, UnitChoiceError):
        return chosen
    codes = ", ".join(chosen.codes)
    if chosen.problem is UnitChoiceProblem.UNKNOWN_UNIT:
        raise ReportRefused(t(language, "cli.report_unknown_unit", code=requested, codes=codes))
    if chosen.problem is UnitChoiceProblem.NO_UNITS:
        raise ReportRefused(t(language, "cli.report_no_units"))
    raise ReportRefused(t(language, "cli.report_several_roots", codes=codes))


async def run_report(config: Config, clock: Clock, *, period_text: str, unit_code: str | None,
                     report_format: str, out: Path | None) -> int:
    try:
        report = await _report_file(config, clock, period_text, unit_code, report_format)
        if out is None and report_format in TEXT_FORMATS:
            sys.stdout.write(report.content.decode("utf-8"))
        else:
            path = out if out is not None else Path(report.filename)
            _write(path, report.content, config.language)
            print(t(config.language, "cli.report_written", unit=report.stats.unit_code,
                    label=report.stats.period.label, path=path))
    except ReportRefused as refusal:
        print(refusal, file=sys.stderr)
        return refusal.status
    return EXIT_OK


async def open_stored(config: Config, clock: Clock,
                      no_database_key: str) -> tuple[Database, Directory]:
    """The database the bot keeps, for a command that only reads it: a SQLite file that does not
    exist is refused by its path (never created), an unreachable database in one line."""
    missing = missing_database(config)
    if missing is not None:
        raise ReportRefused(t(config.language, no_database_key, path=missing,
                              config=config.path), EXIT_FAILED)
    try:
        return await prepare_storage(config, clock)
    except storage_failures() as err:
        raise ReportRefused(storage_failure_message(config, err), EXIT_FAILED) from None


async def _report_file(config: Config, clock: Clock, period_text: str, unit_code: str | None,
                       report_format: str) -> ReportFile:
    language = config.language
    now = clock.now()
    try:
        period = parse_period(period_text, now=now, tz=config.timezone)
    except PeriodError as err:
        raise ReportRefused(t(language, "cli.report_bad_period", period=period_text,
                              detail=err.text(language))) from None
    db, directory = await open_stored(config, clock, "cli.report_no_database")
    try:
        code = report_unit(directory.tree, unit_code, language)
        return await build_report_file(db, directory.tree, config, Translator(language), code,
                                       period, report_format, now=now)
    finally:
        await db.close()


def _write(path: Path, content: bytes, language: str) -> None:
    try:
        path.write_bytes(content)
    except OSError as err:
        raise ReportRefused(t(language, "cli.report_cannot_write", path=path,
                              detail=err.strerror or err.__class__.__name__),
                            EXIT_FAILED) from None
