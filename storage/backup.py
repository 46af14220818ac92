"""Backup and restore of the whole database (SPEC §14), while the bot runs.

SQLite: the sqlite3 online backup API, which copies one consistent moment of the file page by
page while the bot goes on writing (WAL: writers are not blocked), and restores the same way
into the target file, through SQLite, so its journal and any open reader stay coherent -
never a file copy, which could catch half a transaction or leave a stale ``-wal`` beside it.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` (one transaction),
the PostgreSQL client tools of the server's major version; the connection's password goes to
them in the environment (``PGPASSWORD``), never on a command line other users can read.

A backup holds every table, pseudonyms and sealed relay links included, but not the secret key
they were made with: the key is kept apart on purpose (a stolen backup alone unseals nothing),
so a restore needs it too. Errors are :class:`BackupError` with a catalogue key for the CLI.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection, make_url

from storage.db import Database

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"  # pg_dump's custom format begins with these bytes
SQLITE, POSTGRESQL = "sqlite", "postgresql"
# Tables whose rows do not make a database "in use": the schema's own bookkeeping.
BOOKKEEPING_TABLES = frozenset({"alembic_version"})
PG_CLIENT_PACKAGE = "postgresql-client"


class BackupError(Exception):
    """The backup or restore did not happen; ``message_key``/``params`` say why."""

    def __init__(self, message_key: str, **params: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params


@dataclass(frozen=True)
class BackupWritten:
    path: Path
    size: int
    kind: str  # sqlite | postgresql


def database_kind(storage_url: str) -> str:
    return SQLITE if make_url(storage_url).drivername.startswith("sqlite") else POSTGRESQL


def backup_kind(path: Path) -> str | None:
    """What a backup file holds, from its first bytes; None when it is neither kind."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return SQLITE
    if head.startswith(PG_CUSTOM_HEADER):
        return POSTGRESQL
    return None


def _sqlite_path(storage_url: str) -> Path:
    database = make_url(storage_url).database
    if not database or database == ":memory:":
        raise BackupError("ops.backup.memory_database")
    return Path(database)


def _partial(out: Path) -> Path:
    # Written beside the target, then renamed over it: a failed backup never leaves a file
    # that looks complete under the name asked for.
    return out.with_name(f".{out.name}.partial")


def write_backup(storage_url: str, out: Path) -> BackupWritten:
    """Write a consistent copy of the database to ``out`` (replaced when it exists)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(out)
    try:
        if database_kind(storage_url) == SQLITE:
            _backup_sqlite(_sqlite_path(storage_url), partial)
            kind = SQLITE
        else:
            _run_pg_tool("pg_dump", make_url(storage_url),
                         ["--format=custom", "--no-owner", f"--file={partial}"])
            kind = POSTGRESQL
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupWritten(out, out.stat().st_size, kind)


def _backup_sqlite(database: Path, partial: Path) -> None:
    if not database.is_file():
        raise BackupError("ops.backup.no_database", path=database)
    partial.unlink(missing_ok=True)
    try:
        _copy_sqlite(database, partial)
    except sqlite3.Error as err:
        raise BackupError("ops.backup.sqlite_failed", path=database, detail=str(err)) from err


def _copy_sqlite(database: Path, partial: Path) -> None:
    source = sqlite3.connect(database)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            # One self-contained file: no -wal to carry beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            checked = target.execute("PRAGMA quick_check").fetchone()
        finally:
            target.close()
    finally:
        source.close()
    if checked is None or checked[0] != "ok":
        raise BackupError("ops.backup.check_failed", path=database)


def _libpq_environment(url: URL) -> dict[str, str]:
    settings = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
                "PGPASSWORD": url.password, "PGDATABASE": url.database}
    return {**os.environ, **{k: str(v) for k, v in settings.items() if v is not None}}


def _run_pg_tool(tool: str, url: URL, arguments: list[str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError("ops.backup.tool_missing", tool=tool, package=PG_CLIENT_PACKAGE)
    finished = subprocess.run([program, *arguments], env=_libpq_environment(url),
                              capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        lines = [line for line in finished.stderr.splitlines() if line.strip()]
        raise BackupError("ops.backup.tool_failed", tool=tool,
                          detail=lines[-1] if lines else f"exit {finished.returncode}")


def _tables_in_use(conn: Connection) -> list[str]:
    used = []
    for name in sorted(inspect(conn).get_table_names()):
        if name in BOOKKEEPING_TABLES:
            continue
        quoted = conn.dialect.identifier_preparer.quote(name)
        if conn.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is not None:
            used.append(name)
    return used


async def tables_in_use(db: Database) -> list[str]:
    """The tables holding at least one row: a restore over any of them replaces data."""
    async with db.reading() as conn:
        return await conn.run_sync(_tables_in_use)


def check_backup_matches(storage_url: str, backup: Path) -> None:
    """Refuse a missing file, or one that is not a backup of this kind of database."""
    if not backup.is_file():
        raise BackupError("ops.restore.no_file", path=backup)
    kind = backup_kind(backup)
    if kind is None:
        raise BackupError("ops.restore.not_a_backup", path=backup)
    if kind != database_kind(storage_url):
        raise BackupError("ops.restore.wrong_kind", path=backup, kind=kind,
                          storage=database_kind(storage_url))


def restore_backup(storage_url: str, backup: Path) -> None:
    """Replace the database's contents with the backup's. The caller has checked the file
    (:func:`check_backup_matches`), that the bot is stopped and that replacing is wanted; the
    schema is migrated after, by the caller, in case the backup is from an older release."""
    if database_kind(storage_url) == SQLITE:
        _restore_sqlite(backup, _sqlite_path(storage_url))
        return
    url = make_url(storage_url)
    _run_pg_tool("pg_restore", url, ["--clean", "--if-exists", "--no-owner",
                                     "--single-transaction", "--exit-on-error",
                                     f"--dbname={url.database}", str(backup)])


def _restore_sqlite(backup: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy_back_sqlite(backup, database)
    except sqlite3.Error as err:
        raise BackupError("ops.restore.damaged", path=backup, detail=str(err)) from err


def _copy_back_sqlite(backup: Path, database: Path) -> None:
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        checked = source.execute("PRAGMA quick_check").fetchone()
        if checked is None or checked[0] != "ok":
            raise BackupError("ops.restore.damaged", path=backup, detail=checked)
        target = sqlite3.connect(database)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
