"""The database engine: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, same code."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.sqlite_inline import Body, FileLocked, InlineSQLiteWriter, T

SQLITE_BUSY_TIMEOUT_MS = 5000
# How long a writer of the bot waits for its turn on SQLite before it gives up with an error
# (a wave of tips is served in a second or two; this only ends a wait that cannot end).
SQLITE_WRITER_TURN_TIMEOUT_S = 60
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
# The statistics' running totals are kept per local day and ISO week (storage/stats_rollup.py),
# so every write that counts needs the configured timezone: the engine carries it.
TIMEZONE_OPTION = "kna_statistics_timezone"
# Set on the connection of ``Database.transaction``: on SQLite it begins with BEGIN IMMEDIATE.
WRITING_OPTION = "kna_writing"


class Database:
    """An async engine plus the one way to get a transaction from it."""

    def __init__(self, engine: AsyncEngine,
                 sqlite_inline: InlineSQLiteWriter | None = None) -> None:
        self.engine = engine
        self._sqlite_inline = sqlite_inline
        # SQLite has one writer at a time. Writers of this process queue here, first come first
        # served; left to SQLite's busy handler, which polls, a burst of writers (a wave of
        # tips) is served in no order and the unlucky ones time out as "database is locked".
        self._sqlite_writer_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._sqlite_writer: asyncio.Task[Any] | None = None

    @property
    def timezone(self) -> str:
        """The timezone the statistics' local days and weeks are counted in."""
        return str(self.engine.sync_engine.get_execution_options()[TIMEZONE_OPTION])

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        if self._sqlite_writer_turn is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._writer_turn(), self.engine.connect() as conn:
            await conn.execution_options(**{WRITING_OPTION: True})
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def schema_change(self) -> AsyncIterator[AsyncConnection]:
        """The transaction a migration runs in. On SQLite, foreign keys are off for it: Alembic's
        batch mode rebuilds a table by copying it and dropping the old one, and with them on,
        that drop would delete or empty every row pointing at the table (a group's member
        counts, the notices of a question). SQLite ignores the switch inside a transaction, so
        it is thrown before it begins; every reference must still hold before the commit."""
        if self._sqlite_writer_turn is None:
            async with self.transaction() as conn:
                yield conn
            return
        async with self._writer_turn(), self.engine.connect() as conn:
            await conn.run_sync(_switch_sqlite_foreign_keys, False)
            try:
                await conn.execution_options(**{WRITING_OPTION: True})
                async with conn.begin():
                    yield conn
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"the migration left {len(broken)} broken reference(s),"
                                           f" first in table {broken[0][0]}")
            finally:
                await conn.run_sync(_switch_sqlite_foreign_keys, True)

    async def run_transaction(self, body: Body[T]) -> T:
        """``body(conn)`` in one writing transaction, for what a person waits on (filing a tip).

        On a SQLite file it runs at once on a plain connection, in its writer's turn
        (storage/sqlite_inline.py): one go instead of three or four trips to aiosqlite's thread
        per statement. ``body`` may await only ``conn``. Elsewhere, and when another process
        holds the file, it is an ordinary transaction."""
        if self._sqlite_inline is not None:
            async with self._writer_turn():
                try:
                    return self._sqlite_inline.run(body)
                except FileLocked:
                    pass  # wait for the other process below, off the event loop
        async with self.transaction() as conn:
            return await body(conn)

    @asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        assert self._sqlite_writer_turn is not None
        task = asyncio.current_task()
        if task is not None and task is self._sqlite_writer:
            # It would wait for itself for ever: fail at once, loudly, instead.
            raise RuntimeError("a SQLite transaction was opened inside another one")
        if self._sqlite_writer_turn.locked():
            async with asyncio.timeout(SQLITE_WRITER_TURN_TIMEOUT_S):
                await self._sqlite_writer_turn.acquire()
        else:
            # Free: taken at once, without arming a timer (a tenth of a tip's filing). Right
            # after a release it may still queue behind the waiter being woken; that one holds
            # the turn only for its own transaction.
            await self._sqlite_writer_turn.acquire()
        self._sqlite_writer = task
        try:
            yield
        finally:
            self._sqlite_writer = None
            self._sqlite_writer_turn.release()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A read that sees one moment throughout: a report's figures all agree."""
        async with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                # PostgreSQL's default (read committed) gives each statement its own moment.
                await conn.execution_options(isolation_level="REPEATABLE READ",
                                             postgresql_readonly=True)
            yield conn

    async def close(self) -> None:
        if self._sqlite_inline is not None:
            self._sqlite_inline.close()
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
    # The sqlite3 module's legacy mode begins a transaction only at the first INSERT, UPDATE
    # or DELETE, so the SELECTs before it each saw a different moment: two handlers could
    # read the same row, and one act on what the other had just changed (a migrated group
    # deleted as its own duplicate). SQLAlchemy emits BEGIN instead (_begin_sqlite).
    dbapi_connection.isolation_level = None


def _switch_sqlite_foreign_keys(conn: Any, on: bool) -> None:
    # On the driver's connection, not through SQLAlchemy, which would begin a transaction first.
    cursor = conn.connection.dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _begin_sqlite(conn: Any) -> None:
    # A writing transaction takes the write lock first (IMMEDIATE): it waits its turn under the
    # busy timeout, where a deferred one that read first would fail with SQLITE_BUSY when it
    # tries to write after another writer. A reading one sees one snapshot throughout.
    writing = conn.get_execution_options().get(WRITING_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _begin_sqlite_inline(conn: Any) -> None:
    """:func:`_begin_sqlite` for the inline writer (storage/sqlite_inline.py), whose connection
    is a plain ``sqlite3`` one: BEGIN goes straight to it. Through ``exec_driver_sql`` it was
    half the cost of a transaction run in one go (SQLAlchemy's execution context, events and
    result for a statement that returns nothing); the outbox worker runs two or three of those
    per staff notice. An error is raised as SQLAlchemy raises it (``OperationalError``: the
    writer tells a busy file by its code), without values."""
    writing = conn.get_execution_options().get(WRITING_OPTION, False)
    statement = "BEGIN IMMEDIATE" if writing else "BEGIN"
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        conn.connection.dbapi_connection.execute(statement)
    except dbapi_error as error:
        raise DBAPIError.instance(statement, None, error, dbapi_error,
                                  hide_parameters=True) from error


def open_database(url: str, *, connect_args: dict[str, Any] | None = None,
                  timezone: str = DEFAULT_TIMEZONE) -> Database:
    # hide_parameters: a database error's text leaves out the values, which can be a tip's
    # words or a pseudonym, so that logging the error never writes them to the log.
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
                                     pool_reset_on_return=None, execution_options=options,
                                     hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        event.listen(engine.sync_engine, "begin", _begin_sqlite)
        if database and database != ":memory:":  # a memory database is not shared by threads
            return Database(engine, InlineSQLiteWriter(
                parsed, engine, configure=_configure_sqlite, begin=_begin_sqlite_inline,
                options=options, writing_option=WRITING_OPTION))
    else:
        engine = create_async_engine(url, pool_pre_ping=True, connect_args=connect_args or {},
                                     execution_options=options, hide_parameters=True)
    return Database(engine)
