"""A writing transaction run whole in one thread next to the SQLite file: one trip, not dozens.

Through SQLAlchemy's aiosqlite adapter every statement costs three or four trips between the
event loop and aiosqlite's thread (cursor, execute, fetch, close), each waiting for the loop to
come round again; filing a tip took 24 such trips, most of the time a resident waited for their
receipt (``bench/tip_storage_floor.py``). Here the same transaction code — the repositories'
``async def`` functions, unchanged — runs in a thread of its own on a plain ``sqlite3``
connection to the same file, so the whole transaction is one trip there and back.

It works because nothing a repository function awaits ever suspends on such a connection: each
``await conn.execute(...)`` returns at once, so the coroutine runs to its end on the first
``send``. A transaction that awaits anything else (a sleep, a network call) is a mistake in the
caller and fails loudly instead of blocking the thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

T = TypeVar("T")
Body = Callable[[AsyncConnection], Awaitable[T]]


class _InThreadConnection(AsyncConnection):
    """An ``AsyncConnection`` whose statements run on the plain connection it wraps, in the
    calling thread. Only ``execute`` (which ``scalar`` and ``scalars`` use) is redirected; any
    other method that needs the event loop fails with SQLAlchemy's own error."""

    async def execute(self, statement: Any, parameters: Any = None, *,
                      execution_options: Mapping[str, Any] | None = None) -> CursorResult[Any]:
        return self._proxied.execute(statement, parameters,
                                     execution_options=execution_options or {})


def _run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("a one-trip SQLite transaction awaited something outside the database")


class SQLiteWriterThread:
    """The thread, and its own engine on the database file, that one-trip transactions run in.

    sqlite3 connections belong to the thread that opened them, so the engine is used, and
    disposed of, only in this one thread.
    """

    def __init__(self, url: URL, async_engine: AsyncEngine, *,
                 configure: Callable[[Any, Any], None], begin: Callable[[Any], None],
                 options: Mapping[str, Any], writing_option: str) -> None:
        self._async_engine = async_engine
        self._writing_option = writing_option
        self._engine: Engine = create_engine(url.set(drivername="sqlite"),
                                             pool_reset_on_return=None,
                                             execution_options=dict(options))
        event.listen(self._engine, "connect", configure)
        event.listen(self._engine, "begin", begin)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")

    async def run(self, body: Body[T]) -> T:
        """Run ``body`` in one writing transaction in the thread; its result, or its error."""
        future = asyncio.get_running_loop().run_in_executor(self._thread, self._run_whole, body)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # The thread cannot be stopped half-way: let it finish (commit or roll back) before
            # the caller gives up its writer's turn, so no other writer finds the file locked.
            await asyncio.wait([future])
            raise

    def _run_whole(self, body: Body[T]) -> T:
        with self._engine.connect() as sync_connection:
            sync_connection.execution_options(**{self._writing_option: True})
            with sync_connection.begin():
                connection = _InThreadConnection(self._async_engine, sync_connection)
                return _run_to_end(body(connection))  # type: ignore[arg-type]

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._engine.dispose)
        self._thread.shutdown(wait=True)
