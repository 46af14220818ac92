"""``python -m bot audit [--since DATE] [--until DATE] [--unit CODE] --format csv|json
[--out PATH]``: the audit log for an inspection (SPEC §14, issue 20; ``reports.audit_export``).

DATE is ``dd/mm/yyyy`` or ``YYYY-MM-DD``, a whole day in the configured timezone, both ends
included; ``--unit`` keeps the acts on that unit's subtree. The export goes to standard output
unless ``--out`` names a file. Exit status as ``report``'s (``bot.report_command``): 0 done,
2 a bad argument (date, unit), 1 the database missing or unreachable or the file not writable;
the reason on standard error. A SQLite file that does not exist is refused by its path, never
created (an empty log would read as "nobody did anything").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.report_command import EXIT_FAILED, EXIT_OK, EXIT_USAGE, ReportRefused, open_stored
from bot.storage_failure import storage_failure_message, storage_failures
from core.address import Address
from core.clock import Clock
from core.config_model import Config
from core.i18n import Translator, t
from org.roles import Role
from reports.audit_export import AUDIT_FORMATS, audit_export, parse_audit_day, render_audit
from reports.periods import Period, PeriodError


def add_audit_command(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                      config_option: argparse.ArgumentParser, language: str) -> None:
    """``audit`` on ``python -m bot``'s parser (``bot.cli``)."""
    audit = commands.add_parser("audit", parents=[config_option],
                                help=t(language, "cli.audit.help"))
    audit.add_argument("--since", metavar="DATE", help=t(language, "cli.audit.since_help"))
    audit.add_argument("--until", metavar="DATE", help=t(language, "cli.audit.until_help"))
    audit.add_argument("--unit", metavar="CODE", help=t(language, "cli.audit.unit_help"))
    audit.add_argument("--format", choices=AUDIT_FORMATS, required=True,
                       help=t(language, "cli.audit.format_help"))
    audit.add_argument("--out", metavar="PATH", type=Path, help=t(language, "cli.audit.out_help"))


def _day(config: Config, clock: Clock, text: str | None) -> Period | None:
    if text is None:
        return None
    try:
        return parse_audit_day(text, config.timezone, now=clock.now())
    except PeriodError as err:
        raise ReportRefused(t(config.language, "cli.audit.bad_date", date=text,
                              detail=err.text(config.language))) from None


async def run_audit(config: Config, clock: Clock, args: argparse.Namespace) -> int:
    try:
        content = await _export(config, clock, args)
        if args.out is None:
            sys.stdout.write(content)
        else:
            try:
                args.out.write_text(content, encoding="utf-8")
            except OSError as err:
                raise ReportRefused(t(config.language, "cli.report_cannot_write", path=args.out,
                                      detail=err.strerror or err.__class__.__name__),
                                    EXIT_FAILED) from None
            print(t(config.language, "cli.audit.written", path=args.out))
    except ReportRefused as refusal:
        print(refusal, file=sys.stderr)
        return refusal.status
    return EXIT_OK


async def _export(config: Config, clock: Clock, args: argparse.Namespace) -> str:
    language = config.language
    since, until = _day(config, clock, args.since), _day(config, clock, args.until)
    if since is not None and until is not None and until.last_day < since.first_day:
        raise ReportRefused(t(language, "cli.audit.until_before_since", since=args.since,
                              until=args.until), EXIT_USAGE)
    db, directory = await open_stored(config, clock, "cli.audit.no_database")
    try:
        unit = directory.tree.find(args.unit) if args.unit is not None else None
        if args.unit is not None and unit is None:
            raise ReportRefused(t(language, "cli.audit.unknown_unit", code=args.unit,
                                  codes=", ".join(u.code for u in directory.tree)))

        def role_of(address: Address) -> Role | None:
            member = directory.staff_member(address)
            return member.role if member is not None else None

        rows = await audit_export(db, directory.tree, config.timezone, Translator(language),
                                  role_of, since=since, until=until,
                                  unit_code=unit.code if unit is not None else None)
    except storage_failures() as err:
        raise ReportRefused(storage_failure_message(config, err), EXIT_FAILED) from None
    finally:
        await db.close()
    return render_audit(rows, args.format)
