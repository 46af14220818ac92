"""Shared fixtures: databases on both backends, config files, the clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from core.clock import ManualClock
from storage.db import Database, open_database
from storage.migrate import upgrade_to_head

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
PG_SKIP_REASON = (
    "TEST_DATABASE_URL is not set: the PostgreSQL variants of the tests are skipped "
    "(.ci/run sets it to a fresh database on 127.0.0.1:5432)"
)
# Fixtures with a "postgresql" parameter: every test using one runs once per backend. A test
# that needs the server in another way is marked @pytest.mark.postgresql.
POSTGRES_PARAMETRISED = ("db", "e2e_storage_url")
POSTGRESQL = "postgresql"

# The unit tree and staff every test config shares; staff ids are filled in per test kit.
UNITS_AND_STAFF = """
[[units]]
code = "DT"
name = "Tỉnh Đồng Tháp"
[[units]]
code = "TT-TANTHANH"
name = "Xã Tân Thành"
parent = "DT"
[[units]]
code = "TT-TANTHANH-A1"
name = "Ấp 1"
parent = "TT-TANTHANH"
[[units]]
code = "TT-BINHTHANH"
name = "Xã Bình Thành"
parent = "DT"

[[staff]]
telegram_id = {admin}
role = "admin"
unit = "DT"
[[staff]]
telegram_id = {officer}
role = "officer"
unit = "TT-TANTHANH"
[[staff]]
telegram_id = {other_officer}
role = "officer"
unit = "TT-BINHTHANH"
[[staff]]
telegram_id = {editor}
role = "editor"
unit = "TT-TANTHANH"
"""
CONFIG_STAFF_IDS = {"admin": 900000001, "officer": 900000002, "other_officer": 900000003,
                    "editor": 900000004}

BASE_CONFIG = """
[bot]
language = "vi"
timezone = "Asia/Ho_Chi_Minh"
data_dir = "data"
log_level = "INFO"

[telegram]
token_env = "BOT_TOKEN"
api_base_url = "{api_base_url}"

[storage]
url = "{storage_url}"

{units_and_staff}"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{POSTGRESQL}: needs the TEST_DATABASE_URL server")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """The PostgreSQL variants need TEST_DATABASE_URL: without it they skip, from here, before
    any fixture runs. One place for every such skip is what lets ``pytest -ra`` fold them into
    one line (a skip inside a fixture is reported at each test). In CI they must run."""
    if PG_URL:
        return
    params = getattr(getattr(item, "callspec", None), "params", {})
    if not (item.get_closest_marker(POSTGRESQL) is not None
            or any(params.get(name) == POSTGRESQL for name in POSTGRES_PARAMETRISED)):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the PostgreSQL variants of the tests: set TEST_DATABASE_URL")
    pytest.skip(PG_SKIP_REASON)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 5, 1, 0, tzinfo=UTC))


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    def write(extra: str = "", *, api_base_url: str = "https://api.telegram.org/bot",
              storage_url: str | None = None, body: str | None = None) -> Path:
        url = storage_url or f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}"
        text_ = body if body is not None else BASE_CONFIG.format(
            api_base_url=api_base_url, storage_url=url,
            units_and_staff=UNITS_AND_STAFF.format(**CONFIG_STAFF_IDS))
        path = tmp_path / "config.toml"
        path.write_text(text_ + extra, encoding="utf-8")
        return path

    return write


async def _postgres_schema_database() -> tuple[Database, Callable[[], object]]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = open_database(PG_URL)
    async with admin.transaction() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = open_database(PG_URL, connect_args={"server_settings": {"search_path": schema}})

    async def drop() -> None:
        await db.close()
        async with admin.transaction() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.close()

    return db, drop


@pytest.fixture(params=["sqlite", POSTGRESQL])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set
    (without it, ``pytest_runtest_setup`` skips the test before this runs)."""
    if request.param == "sqlite":
        database = open_database(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        await upgrade_to_head(database)
        yield database
        await database.close()
        return
    database, drop = await _postgres_schema_database()
    await upgrade_to_head(database)
    yield database
    await drop()
