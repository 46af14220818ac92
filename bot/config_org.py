"""The ``[[units]]`` and ``[[staff]]`` tables of ``config.toml`` (SPEC §2, §9, §12).

A config must declare at least one unit and at least one admin. Tips and bulletins always go to a
unit, so with none a resident's tip has nowhere to go. Staff declared in the file are the root of
trust: only an admin can add staff (and units) in chat, so a file without an admin would leave a
new deployment with nobody who can ever add one, and an old one without a way back in once the
last admin added in chat is removed.
"""

from __future__ import annotations

from bot.config_reader import ProblemLog, TableReader
from core.config_model import ROLES, StaffDecl, UnitDecl
from org.units import is_valid_unit_code


def read_units(tables: list[TableReader],
                log: ProblemLog) -> tuple[tuple[UnitDecl, ...], set[str]]:
    """The valid units, and every code the file declares (upper case), valid or not: a reference
    to a unit whose own code has a problem is not a second problem."""
    declared: list[tuple[TableReader, UnitDecl]] = []
    first_seen: dict[str, str] = {}
    codes: set[str] = set()
    for table in tables:
        code = table.required("code", str, "")
        name = table.required("name", str, "")
        parent = table.value("parent", str, "") or None
        table.finish()
        if not table.ok("code"):
            continue
        codes.add(code.upper())
        if not is_valid_unit_code(code):
            table.problem("code", "bad_unit_code", value=code)
            continue
        if code.upper() in first_seen:
            table.problem("code", "duplicate_unit", value=code, first=first_seen[code.upper()])
            continue
        if table.ok("name") and not name.strip():
            table.problem("name", "empty")
        first_seen[code.upper()] = table.prefix
        declared.append((table, UnitDecl(code, name.strip(), parent)))
    for table, unit in declared:
        if unit.parent and unit.parent.upper() not in codes:
            table.problem("parent", "unknown_unit", value=unit.parent)
    units = [unit for _, unit in declared]
    prefixes = {unit.code.upper(): table.prefix for table, unit in declared}
    for code in _codes_in_cycles(units):
        log.add(f"{prefixes[code]}.parent", "unit_cycle", value=code)
    return tuple(units), codes


def require_units_and_an_admin(root: TableReader, units: list[TableReader],
                                staff: list[TableReader]) -> None:
    """Nothing declared where something must be (see the module's docstring). A ``[[staff]]``
    whose role has a problem of its own may be the admin: it is not "no admin" twice over."""
    if not units and not root.table.get("units"):
        root.problem("units", "no_units")
    if not staff and not root.table.get("staff"):
        root.problem("staff", "no_staff")
    elif staff and all(table.ok("role") for table in staff) and not any(
            table.table.get("role") == "admin" for table in staff):
        root.problem("staff", "no_admin")


def _codes_in_cycles(units: list[UnitDecl]) -> list[str]:
    parents = {u.code.upper(): (u.parent or "").upper() or None for u in units}
    in_cycle: list[str] = []
    for start in parents:
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node in parents and node not in seen:
            seen.add(node)
            node = parents[node]
        if node == start:
            in_cycle.append(start)
    return in_cycle


def read_staff(tables: list[TableReader], unit_codes: set[str]) -> tuple[StaffDecl, ...]:
    """The staff whose every key is right (only they are checked for duplicates)."""
    staff: list[StaffDecl] = []
    seen: set[int] = set()
    zalo_ids: set[str] = set()
    for table in tables:
        if "role" not in table.table:
            table.problem("role", "missing")
        telegram_id = table.required("telegram_id", int, 0)
        role = table.choice("role", ROLES, "officer")
        unit = table.required("unit", str, "")
        zalo_user_id = table.value("zalo_user_id", str, "")
        table.finish()
        if table.ok("telegram_id") and telegram_id <= 0:
            table.problem("telegram_id", "bad_telegram_id", value=telegram_id)
        if table.ok("unit") and unit.upper() not in unit_codes:
            table.problem("unit", "unknown_unit", value=unit)
        if table.ok("zalo_user_id") and "zalo_user_id" in table.table:
            if not zalo_user_id.isdigit() or not zalo_user_id.isascii():
                # The value is not echoed: it may be someone's real Zalo id.
                table.problem("zalo_user_id", "bad_zalo_user_id")
            elif zalo_user_id in zalo_ids:
                table.problem("zalo_user_id", "duplicate_zalo_user_id")
        if not table.ok("telegram_id", "role", "unit", "zalo_user_id"):
            continue
        if zalo_user_id:
            zalo_ids.add(zalo_user_id)
        if telegram_id in seen:
            table.problem("telegram_id", "duplicate_staff")
            continue
        seen.add(telegram_id)
        staff.append(StaffDecl(telegram_id, role, unit, zalo_user_id or None))
    return tuple(staff)
