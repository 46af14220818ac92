"""The audit log exported for an inspection: ``python -m bot audit`` (SPEC §14, issue 20).

One row per recorded act: when (ISO 8601 in the configured timezone), who (the staff address as
stored and the role that address holds now; ``system`` for what the bot did itself), what (the
action's code and its words from the catalogue), on which thing (``tip:TIP-…``, ``bulletin:12``,
``dispatch:7``, ``unit:…``, ``group:…``, ``staff:…``), the unit that thing belongs to, and the
detail the act wrote.

Staff addresses are not tipster identifiers; nothing a tipster could be found by leaves here.
No act records a tipster's pseudonym or sealed link today, and the export does not rely on it:
the detail is kept only for the actions listed in ``ACTIONS`` (whose details are known to be a
unit, a role, an assessment, counts), an unknown action keeps only its subject's kind, and an SMS
subscriber's lookup key (a keyed hash of a resident's number) is never exported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.address import Address
from core.i18n import Translator
from org.roles import Role
from org.units import UnitTree
from reports.periods import Period, PeriodError, parse_period
from storage.audit import AuditRecord, audit_entries
from storage.db import Database

AUDIT_FORMATS = ("csv", "json")
SYSTEM = "system"
# Every action written today (grep record_action), each with words in the catalogue.
ACTIONS = ("tip.assess", "tip.close", "tip.block", "tip.ask", "tip.outcome", "unit.outcome",
           "bulletin.create", "bulletin.approve", "bulletin.remove", "bulletin.resend",
           "group.register", "staff.add", "staff.remove", "unit.add", "unit.rename", "unit.move",
           "sms.subscribe", "sms.unsubscribe", "sms.sent", "sms.budget_reached")
# Subjects shown as written: things staff and inspectors name, never a resident.
_SUBJECT_KINDS_SHOWN = {"tip", "bulletin", "dispatch", "unit", "group", "staff", "month", "sms"}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
DATE_FORMS_KEY = "reasons.audit.date_forms"

COLUMNS = ("at", "actor", "actor_role", "action", "action_text", "subject", "unit", "detail")


@dataclass(frozen=True)
class AuditExportRow:
    at: str
    actor: str
    actor_role: str
    action: str
    action_text: str
    subject: str
    unit: str
    detail: str


def action_key(action: str) -> str:
    """The catalogue key of an action's words: ``tip.assess`` -> ``audit.action.tip_assess``."""
    return "audit.action." + action.replace(".", "_")


def parse_audit_day(text: str, tz: ZoneInfo, *, now: datetime) -> Period:
    """``dd/mm/yyyy`` or ``YYYY-MM-DD``: that whole local day. Raise ``PeriodError``."""
    cleaned = text.strip()
    if match := _DAY_MONTH_YEAR.fullmatch(cleaned):
        cleaned = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
    elif not _ISO_DAY.fullmatch(cleaned):
        raise PeriodError("reasons.period.not_a_date", hint=DATE_FORMS_KEY, date=text)
    try:
        return parse_period(cleaned, now=now, tz=tz)
    except PeriodError as err:
        raise PeriodError(err.key, hint=DATE_FORMS_KEY, **{**err.params, "date": text}) from None


def _shown_subject(record: AuditRecord) -> str:
    kind = record.subject.split(":", 1)[0]
    if record.action in ACTIONS and kind in _SUBJECT_KINDS_SHOWN:
        return record.subject
    return kind  # an SMS subscriber's key, or an act this release does not know


def export_row(record: AuditRecord, tz: ZoneInfo, tr: Translator,
               role_of: Callable[[Address], Role | None]) -> AuditExportRow:
    role = role_of(record.actor) if record.actor is not None else None
    known = record.action in ACTIONS
    return AuditExportRow(
        at=record.at.astimezone(tz).isoformat(timespec="seconds"),
        actor=str(record.actor) if record.actor is not None else SYSTEM,
        actor_role=SYSTEM if record.actor is None else (role.value if role else ""),
        action=record.action,
        action_text=tr(action_key(record.action)) if known else record.action,
        subject=_shown_subject(record),
        unit=record.unit_code or "",
        detail=record.detail if known else "")


async def audit_export(db: Database, tree: UnitTree, tz: ZoneInfo, tr: Translator,
                       role_of: Callable[[Address], Role | None], *,
                       since: Period | None, until: Period | None,
                       unit_code: str | None) -> list[AuditExportRow]:
    """The rows from the start of ``since``'s day to the end of ``until``'s (each optional),
    limited to ``unit_code``'s subtree when given (a code ``tree`` knows)."""
    codes = tree.subtree_codes(unit_code) if unit_code is not None else None
    async with db.reading() as conn:
        records = await audit_entries(conn, since=since.start_utc if since else None,
                                      until=until.end_utc if until else None, unit_codes=codes)
    return [export_row(r, tz, tr, role_of) for r in records]


def render_audit_csv(rows: Sequence[AuditExportRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([getattr(row, name) for name in COLUMNS] for row in rows)
    return buffer.getvalue()


def render_audit_json(rows: Sequence[AuditExportRow]) -> str:
    return json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2) + "\n"


def render_audit(rows: Sequence[AuditExportRow], audit_format: str) -> str:
    if audit_format not in AUDIT_FORMATS:
        raise ValueError(audit_format)
    return render_audit_csv(rows) if audit_format == "csv" else render_audit_json(rows)
