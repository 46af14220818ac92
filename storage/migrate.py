"""Apply the Alembic migrations in ``storage/migrations`` to an open database.

Alembic (with its Mako templates and every migration module) costs some 10 MiB and 80 ms to
import, and at nearly every start the schema is already current. So the current revision is read
with one plain query, the newest one from the migration files' ``revision``/``down_revision``
lines, and Alembic is imported only when they differ (or the files cannot be read that simply,
e.g. a branch): then it upgrades exactly as before.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps
_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$', re.M)
log = logging.getLogger(__name__)


def _alembic_config(connection: Connection | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _stamped_revisions(connection: Connection) -> list[str]:
    """The revisions in Alembic's version table, read without Alembic ([] when none)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return []
    return list(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())


@cache
def newest_revision_in_files() -> str | None:
    """The one revision no migration file names as its ``down_revision``; None when the files
    do not say it plainly (several heads, a tuple, a computed value): Alembic then decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        revision, parent = values.get("revision", ""), values.get("down_revision", "None")
        if not re.fullmatch(r'"[^"]+"', revision):
            return None
        revisions.add(revision.strip('"'))
        if parent != "None":
            if not re.fullmatch(r'"[^"]+"', parent):
                return None
            parents.add(parent.strip('"'))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def upgrade_to_head(db: Database) -> None:
    """Bring the schema to the newest revision; a no-op when it already is."""
    async with db.reading() as conn:
        stamped = await conn.run_sync(_stamped_revisions)
    newest = newest_revision_in_files()
    if newest is not None and stamped == [newest]:
        return  # current: Alembic is not even imported
    async with db.schema_change() as conn:
        before = await conn.run_sync(_current)
        await conn.run_sync(_upgrade)
        after = await conn.run_sync(_current)
    if after != before:
        log.info("database schema upgraded from %s to %s", before or "an empty database", after)


async def current_revision(db: Database) -> str | None:
    async with db.reading() as conn:
        return await conn.run_sync(_current)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
