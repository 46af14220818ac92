"""The audit log: who did what to which thing, when. Written in the same transaction as the act,
read back for an inspection (``reports.audit_export``) and for the staff view of ``/status``."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.schema import audit_log, bulletins, dispatches, units
from storage.tips_tables import tips


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: Address | None
    action: str
    subject: str
    detail: str


async def record_action(conn: AsyncConnection, *, at: datetime, actor: Address | None, action: str,
                        subject: str, detail: str = "") -> None:
    await conn.execute(audit_log.insert().values(
        at=at, actor=actor, action=action, subject=subject, detail=detail))


async def entries_for(conn: AsyncConnection, subject: str) -> list[AuditEntry]:
    rows = await conn.execute(
        select(audit_log).where(audit_log.c.subject == subject).order_by(audit_log.c.id))
    return [AuditEntry(r.at, r.actor, r.action, r.subject, r.detail) for r in rows]


# ---- Reading the log for an inspection (``python -m bot audit``, the staff view of /status) ----
# Each row is given the unit its subject belongs to, so an export can be limited to a unit's
# subtree: a tip's, a bulletin's or a dispatch's unit from its table, a unit's own code, and the
# unit written in the detail where the act recorded it there (a group's registration, a staff
# member added, an SMS subscription). A removed staff member's unit is the one their last
# ``staff.add`` named. Rows whose unit cannot be known (the system's SMS costs) have None.


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: Address | None
    action: str
    subject: str
    detail: str
    unit_code: str | None


_BATCH = 500
# Acts that write their unit's code in the detail, and at which word.
_DETAIL_NAMES_UNIT = {"group.register": 0, "staff.add": 1, "sms.subscribe": 0,
                      "sms.unsubscribe": 0}


async def audit_entries(conn: AsyncConnection, *, since: datetime | None = None,
                        until: datetime | None = None,
                        unit_codes: Collection[str] | None = None) -> list[AuditRecord]:
    """Rows with ``since <= at < until`` (either bound may be left out), oldest first; with
    ``unit_codes``, only rows whose subject belongs to one of those units."""
    query = select(audit_log).order_by(audit_log.c.at, audit_log.c.id)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if until is not None:
        query = query.where(audit_log.c.at < until)
    rows = list(await conn.execute(query))
    units_of = await _units_of_subjects(conn, rows)
    records = [AuditRecord(r.id, r.at, r.actor, r.action, r.subject, r.detail,
                           units_of.get(r.id)) for r in rows]
    if unit_codes is None:
        return records
    wanted = {code.upper() for code in unit_codes}  # unit codes are read case-insensitively
    return [r for r in records if r.unit_code is not None and r.unit_code.upper() in wanted]


def _subject_id(subject: str, kind: str) -> str | None:
    prefix = kind + ":"
    return subject[len(prefix):] if subject.startswith(prefix) else None


async def _units_of_subjects(conn: AsyncConnection, rows: list[Row]) -> dict[int, str]:
    """The unit of each row's subject, by row id (a row left out has none)."""
    found: dict[int, str] = {}
    wanted: dict[str, dict[str, list[int]]] = {"tip": {}, "bulletin": {}, "dispatch": {}}
    removed_staff: dict[str, list[int]] = {}
    for row in rows:
        if (code := _subject_id(row.subject, "unit")) is not None:
            found[row.id] = code
        elif row.action in _DETAIL_NAMES_UNIT:
            words = row.detail.split()
            position = _DETAIL_NAMES_UNIT[row.action]
            if len(words) > position and words[position] != "HUY":
                found[row.id] = words[position]
        elif row.action == "staff.remove":
            removed_staff.setdefault(row.subject, []).append(row.id)
        else:
            for kind, ids in wanted.items():
                if (key := _subject_id(row.subject, kind)) is not None:
                    ids.setdefault(key, []).append(row.id)
    lookups = ((tips, tips.c.code, wanted["tip"], str),
               (bulletins, bulletins.c.id, wanted["bulletin"], int),
               (dispatches, dispatches.c.id, wanted["dispatch"], int))
    for table, key_column, ids, as_key in lookups:
        keys = [as_key(k) for k in ids if as_key is str or k.isdigit()]
        for start in range(0, len(keys), _BATCH):  # within every driver's parameter limit
            result = await conn.execute(
                select(key_column, units.c.code).select_from(
                    table.join(units, table.c.unit_id == units.c.id)).where(
                    key_column.in_(keys[start:start + _BATCH])))
            for key, code in result:
                for row_id in ids.get(str(key), []):
                    found[row_id] = code
    if removed_staff:
        additions = await conn.execute(
            select(audit_log.c.id, audit_log.c.subject, audit_log.c.detail).where(
                audit_log.c.action == "staff.add",
                audit_log.c.subject.in_(list(removed_staff))).order_by(audit_log.c.id))
        last_unit: dict[str, list[tuple[int, str]]] = {}
        for add_id, subject, detail in additions:
            words = detail.split()
            if len(words) > 1:
                last_unit.setdefault(subject, []).append((add_id, words[1]))
        for subject, row_ids in removed_staff.items():
            for row_id in row_ids:
                earlier = [code for add_id, code in last_unit.get(subject, []) if add_id < row_id]
                if earlier:
                    found[row_id] = earlier[-1]
    return found
