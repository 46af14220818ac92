"""The database engine: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, same code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 5000
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
# The statistics' running totals are kept per local day and ISO week (storage/stats_rollup.py),
# so every write that counts needs the configured timezone: the engine carries it.
TIMEZONE_OPTION = "kna_statistics_timezone"


class Database:
    """An async engine plus the one way to get a transaction from it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @property
    def timezone(self) -> str:
        """The timezone the statistics' local days and weeks are counted in."""
        return str(self.engine.sync_engine.get_execution_options()[TIMEZONE_OPTION])

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn

    async def close(self) -> None:
        await self.engine.dispose()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the scheduler read while a handler writes; foreign keys are off by default in
    # SQLite; the busy timeout turns a brief lock into a wait instead of an error.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_database(url: str, *, connect_args: dict[str, Any] | None = None,
                  timezone: str = DEFAULT_TIMEZONE) -> Database:
    parsed = make_url(url)
    options = {TIMEZONE_OPTION: timezone}
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Every connection leaves through ``Connection.close()``, which already rolls back what
        # it began; the pool's own reset would be one more trip to aiosqlite's thread per
        # transaction (a tip's receipt waits on about sixteen such trips).
        engine = create_async_engine(url, connect_args=connect_args or {},
                                     pool_reset_on_return=None, execution_options=options)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    else:
        engine = create_async_engine(url, pool_pre_ping=True, connect_args=connect_args or {},
                                     execution_options=options)
    return Database(engine)
