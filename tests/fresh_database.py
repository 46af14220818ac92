"""A storage URL for tests that build a whole desk from a config: the default SQLite file, then
a fresh PostgreSQL database of its own on the TEST_DATABASE_URL server (skipped without it by
``tests/conftest.py``, through the ``postgresql`` mark), as ``tests/e2e`` runs every test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, POSTGRESQL

# The params of a test module's ``storage_url`` fixture (each module declares its own, over
# :func:`fresh_storage_url`: a fixture imported into a module is a redefinition to linters).
STORAGES = ["sqlite", pytest.param(POSTGRESQL, marks=pytest.mark.postgresql)]


async def fresh_storage_url(param: str) -> AsyncIterator[str | None]:
    """None: the config's SQLite file; else a fresh PostgreSQL database, dropped after."""
    if param == "sqlite":
        yield None
        return
    base = make_url(PG_URL)
    name = f"kna_unit_{uuid.uuid4().hex[:10]}"
    admin_dsn = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
