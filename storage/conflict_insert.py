"""``INSERT … ON CONFLICT`` in the connection's own dialect.

Why a function rather than importing both dialects' ``insert``: ``sqlalchemy.dialects.postgresql``
weighs about 2 MiB and 20 ms of start-up, and a bot on SQLite (the default) never needs it; it is
imported here only when a PostgreSQL connection asks for it (``bench/memory.py``,
``bench/start_time.py``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert


def conflict_insert(conn: AsyncConnection, table: Table) -> PostgresInsert | SqliteInsert:
    """``insert(table)`` of the connection's dialect (it has ``on_conflict_do_nothing``)."""
    name = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    dialect = import_module(f"sqlalchemy.dialects.{name}")
    insert: PostgresInsert | SqliteInsert = dialect.insert(table)
    return insert
