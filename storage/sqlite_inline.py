"""A writing transaction run whole on a plain ``sqlite3`` connection, in the event loop's thread.

Through SQLAlchemy's aiosqlite adapter every statement costs three or four trips between the
event loop and aiosqlite's thread (cursor, execute, fetch, close), each waiting for the loop to
come round again: filing a tip took 24 trips, most of the time a resident waited for their
receipt. The statements themselves take microseconds on an embedded database, so here the same
transaction code (the repositories' ``async def`` functions, unchanged) runs to its end at once
on a plain connection to the same file. A thread of its own was tried first: the hand-over to it
and back cost more than the work (bench/tip_intake.py: 1.7-1.9x the echo bot against 1.4-1.5x).

It works because nothing a repository function awaits ever suspends on such a connection: each
``await conn.execute(...)`` returns at once, so the coroutine ends on its first ``send``. A body
that awaits anything else (a sleep, a network call) is a mistake in the caller and fails loudly.

Two things could hold the event loop up, and both are kept off it:
* waiting for the write lock: the bot's own writers take turns before they start
  (``Database._writer_turn``), so the lock can only be held by another process (a maintenance
  command); this connection does not wait (busy timeout 0) and the caller falls back to an
  ordinary transaction, which waits in aiosqlite's thread;
* a WAL checkpoint, which writes and syncs the database file: this connection never runs one
  (``wal_autocheckpoint=0``); the other connections of the bot do, as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, CursorResult
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.prepared import InlineResult, compiled_if_prepared

T = TypeVar("T")
Body = Callable[[AsyncConnection], Awaitable[T]]
SQLITE_BUSY = 5


class FileLocked(Exception):
    """Another process holds the database's write lock; nothing was done."""


class _InlineConnection(AsyncConnection):
    """An ``AsyncConnection`` whose statements run on the plain connection it wraps, at once.
    Only ``execute`` (which ``scalar`` and ``scalars`` use) is redirected; any other method
    that needs the event loop fails with SQLAlchemy's own error. Statements marked
    ``prepared`` (storage/prepared.py) skip SQLAlchemy's per-call work."""

    async def execute(self, statement: Any, parameters: Any = None, *,
                      execution_options: Mapping[str, Any] | None = None
                      ) -> CursorResult[Any] | InlineResult:
        connection = self._proxied
        compiled = None if execution_options else compiled_if_prepared(statement,
                                                                       connection.dialect)
        if compiled is None:
            return connection.execute(statement, parameters,
                                      execution_options=execution_options or {})
        dbapi_error = connection.dialect.loaded_dbapi.Error
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            return compiled.run(cursor, parameters)
        except dbapi_error as error:
            # Raised as SQLAlchemy raises it (IntegrityError, OperationalError...), so callers
            # catch one kind; without the values, which may hold a pseudonym.
            raise DBAPIError.instance(compiled.sql, parameters, error, dbapi_error,
                                      hide_parameters=True) from error
        finally:
            cursor.close()


def _run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("an inline SQLite transaction awaited something outside the database")


def _configure_inline(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _is_busy(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == SQLITE_BUSY  # BUSY and its extended codes


class InlineSQLiteWriter:
    """A plain engine on the bot's SQLite file, for transactions run whole in one go."""

    def __init__(self, url: URL, async_engine: AsyncEngine, *,
                 configure: Callable[[Any, Any], None], begin: Callable[[Any], None],
                 options: Mapping[str, Any], writing_option: str) -> None:
        self._async_engine = async_engine
        self._writing_option = writing_option
        self._engine: Engine = create_engine(url.set(drivername="sqlite"),
                                             pool_reset_on_return=None, hide_parameters=True,
                                             execution_options=dict(options))
        event.listen(self._engine, "connect", configure)
        event.listen(self._engine, "connect", _configure_inline)  # after the shared settings
        event.listen(self._engine, "begin", begin)
        # Kept open between transactions: taking it from the pool and giving it back each time
        # cost a tenth of a tip's filing. Only the event loop's thread ever uses it.
        self._connection: Connection | None = None

    def run(self, body: Body[T]) -> T:
        """``body``'s result, committed; its error, rolled back; or :class:`FileLocked`."""
        if self._connection is None:
            self._connection = self._engine.connect()
            self._connection.execution_options(**{self._writing_option: True})
        connection = self._connection
        try:
            transaction = connection.begin()  # BEGIN IMMEDIATE: the write lock
        except OperationalError as error:
            if _is_busy(error):
                raise FileLocked from error
            self._drop_connection()
            raise
        try:
            with transaction:
                return _run_to_end(body(_InlineConnection(self._async_engine, connection)))
        except BaseException:
            if connection.invalidated:  # a broken connection is opened afresh next time
                self._drop_connection()
            raise

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        self._drop_connection()
        self._engine.dispose()
