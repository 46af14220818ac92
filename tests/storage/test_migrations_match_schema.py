"""The Alembic migrations build exactly the tables of the schema module, on SQLite and on
PostgreSQL (TEST_DATABASE_URL).

The code reads and writes through ``storage.schema`` (and the table modules beside it); the
database a deployment has was built by ``storage/migrations/versions``. Alembic's autogenerate
comparison (``compare_metadata``) lists what differs between the two: tables, columns, types,
nullability, server defaults, indexes, unique constraints and foreign keys (with their ON
DELETE). It does not compare primary keys, so they are compared here from the reflected tables.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

import storage
from storage.schema import metadata

# Alembic's own bookkeeping: in every migrated database, in no schema module.
ALEMBIC_VERSION_TABLE = "alembic_version"


def _every_table_declared() -> None:
    """Tables are declared across several storage modules; import them all so none is missed."""
    for module in pkgutil.iter_modules(storage.__path__):
        importlib.import_module(f"{storage.__name__}.{module.name}")


def _not_alembic_version(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    return not (type_ == "table" and name == ALEMBIC_VERSION_TABLE)


def _differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={
        "compare_type": True,
        "compare_server_default": True,
        "include_name": _not_alembic_version,
    })
    return compare_metadata(context, metadata)


def _primary_keys(conn: Connection) -> dict[str, list[str]]:
    inspector = inspect(conn)
    return {name: sorted(inspector.get_pk_constraint(name)["constrained_columns"])
            for name in inspector.get_table_names() if name != ALEMBIC_VERSION_TABLE}


async def test_migrations_build_exactly_the_tables_of_the_schema_module(db):
    _every_table_declared()
    async with db.reading() as conn:
        assert await conn.run_sync(_differences) == []


async def test_migrations_give_each_table_the_primary_key_of_the_schema_module(db):
    _every_table_declared()
    declared = {name: sorted(column.name for column in table.primary_key.columns)
                for name, table in metadata.tables.items()}
    async with db.reading() as conn:
        assert await conn.run_sync(_primary_keys) == declared
