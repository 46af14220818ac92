"""``INSERT … ON CONFLICT`` in the connection's own dialect: one place that chooses between
SQLite's and PostgreSQL's ``insert`` (eight storage modules each had the same two lines).

The PostgreSQL dialect is imported on first use here; note that it is loaded at start anyway
on SQLite, by the partial indexes' ``postgresql_where`` in ``storage.tips_tables`` (SQLAlchemy
validates dialect keywords by loading the dialect), so this saves no memory by itself.
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
