"""``Database.run_transaction``: the one-trip writing transaction filing a tip runs in.

On a SQLite file the body runs at once on a plain connection (storage/sqlite_inline.py); on
PostgreSQL it is an ordinary transaction. Either way it must commit, roll back and take turns
with the other writers exactly as ``Database.transaction`` does.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

import storage.db
from channels.telegram_addresses import address_of_chat as telegram
from channels.telegram_addresses import chat_id_of
from storage import groups as group_store
from storage.db import SQLITE_BUSY_TIMEOUT_MS
from storage.schema import groups


async def count_groups(db) -> int:
    async with db.reading() as conn:
        return (await conn.execute(select(func.count()).select_from(groups))).scalar_one()


async def test_run_transaction_commits_the_body_and_returns_its_result(db, clock):
    async def body(conn: AsyncConnection) -> int:
        await group_store.note_group_seen(conn, telegram(-100), "Tổ 1", clock.now())
        found = await group_store.find_group(conn, telegram(-100))  # sees its own write
        return chat_id_of(found.address)

    assert await db.run_transaction(body) == -100
    assert await count_groups(db) == 1


async def test_run_transaction_rolls_back_when_the_body_fails(db, clock):
    async def body(conn: AsyncConnection) -> None:
        await group_store.note_group_seen(conn, telegram(-100), "Tổ 1", clock.now())
        raise ValueError("refused half-way")

    with pytest.raises(ValueError, match="half-way"):
        await db.run_transaction(body)
    assert await count_groups(db) == 0


async def test_sqlite_file_locked_by_another_process_is_waited_for_off_the_event_loop(
        db, clock, tmp_path):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: the inline connection is SQLite's")
    # A maintenance command holds the write lock. Run inline, the transaction would hold the
    # whole bot up until the busy timeout and then fail; it must wait in the background instead
    # and go through once the lock is given back.
    other_process = sqlite3.connect(tmp_path / "test.db", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    filing = asyncio.create_task(db.run_transaction(
        lambda conn: group_store.note_group_seen(conn, telegram(-100), "Tổ 1", clock.now())))
    await asyncio.sleep(0)  # the task starts; the loop is free again at once
    assert not filing.done()
    other_process.execute("COMMIT")
    other_process.close()
    assert chat_id_of((await filing).address) == -100
    assert await count_groups(db) == 1


async def test_sqlite_body_that_awaits_beyond_the_database_fails_and_keeps_nothing(db, clock):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: on PostgreSQL the body is an ordinary transaction")

    async def body(conn: AsyncConnection) -> None:
        await group_store.note_group_seen(conn, telegram(-100), "Tổ 1", clock.now())
        await asyncio.sleep(0)  # would block the writer thread: refused

    with pytest.raises(RuntimeError, match="outside the database"):
        await db.run_transaction(body)
    assert await count_groups(db) == 0
    await db.run_transaction(lambda conn: group_store.note_group_seen(conn, telegram(-101), "Tổ 2",
                                                                        clock.now()))
    assert await count_groups(db) == 1  # and the next one still runs


async def test_one_trip_and_ordinary_writers_take_turns_without_losing_a_write(db, clock):
    # Filing (one trip) and the rest of the bot (ordinary transactions) write at the same time;
    # on SQLite they share one file and one writer's turn.
    async def one_trip(chat_id: int) -> None:
        await db.run_transaction(lambda conn: group_store.note_group_seen(
            conn, telegram(chat_id), "Tổ", clock.now()))

    async def ordinary(chat_id: int) -> None:
        async with db.transaction() as conn:
            await group_store.note_group_seen(conn, telegram(chat_id), "Tổ", clock.now())

    await asyncio.gather(*(one_trip(-1000 - n) if n % 2 else ordinary(-1000 - n)
                           for n in range(60)))
    assert await count_groups(db) == 60


async def test_sqlite_one_trip_inside_an_open_transaction_fails_at_once(db, clock):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: PostgreSQL takes many writers at once")
    # It takes the same writer's turn as every other writer of the bot: opened inside another
    # transaction of the same task it would wait on that transaction's lock until it timed out.
    async with db.transaction():
        with pytest.raises(RuntimeError, match="inside another"):
            await db.run_transaction(lambda conn: group_store.note_group_seen(
                conn, -100, "Tổ 1", clock.now()))


async def test_sqlite_inline_transaction_never_waits_for_the_lock_nor_checkpoints(db):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: the inline connection is SQLite's")

    async def settings(conn: AsyncConnection) -> tuple[int, int]:
        busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
        checkpoint = (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one()
        return busy, checkpoint

    # Either would hold the whole bot up: the lock is waited for, and the WAL checkpointed, by
    # the ordinary connections, in aiosqlite's thread.
    assert await db.run_transaction(settings) == (0, 0)
    async with db.transaction() as conn:
        assert await settings(conn) == (SQLITE_BUSY_TIMEOUT_MS, 1000)


async def test_sqlite_writer_whose_turn_never_comes_gives_up_and_keeps_nothing(
        db, clock, monkeypatch):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: PostgreSQL takes many writers at once")
    # A writer stuck inside its transaction must not leave every tip after it waiting for ever.
    monkeypatch.setattr(storage.db, "SQLITE_WRITER_TURN_TIMEOUT_S", 0.05)
    release = asyncio.Event()

    async def stuck() -> None:
        async with db.transaction():
            await release.wait()

    holder = asyncio.create_task(stuck())
    await asyncio.sleep(0)  # the holder takes the turn on its first step
    with pytest.raises(TimeoutError):
        await db.run_transaction(lambda conn: group_store.note_group_seen(
            conn, -100, "Tổ 1", clock.now()))
    release.set()
    await holder
    assert await count_groups(db) == 0
