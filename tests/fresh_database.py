"""Throw-away PostgreSQL databases for tests, on the TEST_DATABASE_URL server: one function makes
and drops them for every suite (``tests/e2e``'s storage fixture, the operations tests' bot
processes, the unit tests that build a whole desk from a config).

A storage URL for a test that runs on both backends is the default SQLite file, then a fresh
PostgreSQL database of its own (skipped without the server by ``tests/conftest.py``, through the
``postgresql`` mark or parameter)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, POSTGRESQL

# The params of a test module's ``storage_url`` fixture (each module declares its own, over
# :func:`fresh_storage_url`: a fixture imported into a module is a redefinition to linters).
STORAGES = ["sqlite", pytest.param(POSTGRESQL, marks=pytest.mark.postgresql)]


async def admin_connection(url: str = PG_URL) -> asyncpg.Connection:
    """A plain session on the server of ``url``, in its ``postgres`` database: to make or drop
    a test's database, or to cut off the sessions on it."""
    return await asyncpg.connect(make_url(url).set(drivername="postgresql", database="postgres")
                                 .render_as_string(hide_password=False))


@asynccontextmanager
async def fresh_pg_database(prefix: str = "kna_test") -> AsyncIterator[str]:
    """A new, empty database on the TEST_DATABASE_URL server, its URL; dropped afterwards (with
    any session still on it). ``prefix`` says which suite left one behind after a killed run."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await admin_connection()
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def fresh_storage_url(param: str, prefix: str = "kna_unit") -> AsyncIterator[str | None]:
    """None: the config's SQLite file; else a fresh PostgreSQL database, dropped after."""
    if param == "sqlite":
        yield None
        return
    async with fresh_pg_database(prefix) as url:
        yield url
