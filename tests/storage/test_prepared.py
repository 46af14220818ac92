"""Prepared statements (storage/prepared.py): on the inline SQLite connection they skip
SQLAlchemy's per-call work, and must still behave exactly as they do through SQLAlchemy: the
same values stored, the same rows read back, the same errors, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Boolean, Row, bindparam, event, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from channels.telegram_addresses import address_of_chat
from storage import outbox
from storage.prepared import prepared
from storage.schema import UTCDateTime
from storage.tips_tables import outbox as outbox_table

_INSERT = prepared(text(
    "INSERT INTO outbox (parts_sent, payload, status, attempts, not_before, created_at)"
    " VALUES (:parts_sent, :payload, 'pending', 0, :at, :at)"
).bindparams(bindparam("at", type_=UTCDateTime())))

_READ = prepared(select(
    outbox_table.c.id, outbox_table.c.parts_sent, outbox_table.c.not_before,
    (outbox_table.c.parts_sent > bindparam("above")).label("is_above"),
).where(outbox_table.c.not_before >= bindparam("since", type_=UTCDateTime()))
    .order_by(outbox_table.c.parts_sent))

_DUPLICATE_ID = prepared(text(
    "INSERT INTO outbox (id, address, payload, status, attempts, not_before, created_at)"
    " VALUES (:id, 'telegram:1', :payload, 'pending', 0, :at, :at)"
).bindparams(bindparam("at", type_=UTCDateTime())))

_NOT_IS_TRUE = prepared(text("SELECT NOT :flag AS negated").bindparams(
    bindparam("flag", type_=Boolean())).columns(negated=Boolean))


async def insert_three(conn: AsyncConnection, at: datetime) -> None:
    await conn.execute(_INSERT, [{"parts_sent": number, "payload": "{}", "at": at}
                                 for number in (30, 10, 20)])


async def read_since(conn: AsyncConnection, since: datetime) -> list[Row[Any]]:
    return (await conn.execute(_READ, {"since": since, "above": 15})).all()


async def test_prepared_statements_store_and_read_what_sqlalchemy_does(db, clock):
    now = clock.now()
    await db.run_transaction(lambda conn: insert_three(conn, now))
    inline_rows = await db.run_transaction(lambda conn: read_since(conn, now))
    async with db.reading() as conn:  # the ordinary path: aiosqlite or asyncpg
        plain_rows = await read_since(conn, now)
        stored = (await conn.execute(select(outbox_table.c.created_at))).scalars().all()
    assert [(row.parts_sent, row.not_before, row.is_above) for row in inline_rows] == [
        (10, now, False), (20, now, True), (30, now, True)]
    assert [tuple(row) for row in inline_rows] == [tuple(row) for row in plain_rows]
    assert stored == [now, now, now]
    assert inline_rows[0].not_before.tzinfo is not None  # aware, as UTCDateTime promises
    later = await db.run_transaction(lambda conn: read_since(conn, now + timedelta(seconds=1)))
    assert later == []


async def test_prepared_boolean_binds_and_results_are_converted(db):
    async def negate(conn: AsyncConnection) -> object:
        return (await conn.execute(_NOT_IS_TRUE, {"flag": True})).scalar_one()

    assert await db.run_transaction(negate) is False


async def test_prepared_statement_runs_without_sqlalchemy_on_the_inline_connection(db, clock):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: the inline connection is SQLite's")
    seen: list[str] = []
    engine = db._sqlite_inline._engine  # what the bot's filing runs on
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: seen.append(statement))
    await db.run_transaction(lambda conn: insert_three(conn, clock.now()))
    assert not any("INSERT INTO outbox" in statement for statement in seen)
    await db.run_transaction(lambda conn: outbox.enqueue(  # not prepared: through SQLAlchemy
        conn, payload={}, now=clock.now(), address=address_of_chat(5)))
    assert any("INSERT INTO outbox" in statement for statement in seen)


@pytest.mark.parametrize("path", ["run_transaction", "transaction"])
async def test_database_errors_are_sqlalchemy_errors_without_the_values(db, clock, path):
    at = clock.now()

    async def twice(conn: AsyncConnection) -> None:
        for _ in range(2):
            await conn.execute(_DUPLICATE_ID, {"id": 7, "at": at,
                                               "payload": "secret-pseudonym-value"})

    async def ordinary() -> None:
        async with db.transaction() as conn:
            await twice(conn)

    with pytest.raises(IntegrityError) as raised:
        await (db.run_transaction(twice) if path == "run_transaction" else ordinary())
    message = str(raised.value)
    assert "unique" in message.lower()
    # A logged error must not carry a tip's words or a pseudonym.
    assert "secret-pseudonym-value" not in message
    async with db.reading() as conn:  # the whole transaction was rolled back
        assert (await conn.execute(select(outbox_table.c.id))).all() == []


async def test_prepared_statement_missing_a_value_is_refused(db):
    async def without_since(conn: AsyncConnection) -> None:
        await conn.execute(_READ, {"above": 1})

    with pytest.raises(SQLAlchemyError, match="since"):
        await db.run_transaction(without_since)


def test_statements_that_expand_in_lists_cannot_be_prepared():
    with pytest.raises(ValueError, match="IN lists"):
        prepared(select(outbox_table.c.id).where(
            outbox_table.c.address.in_(bindparam("chats", expanding=True))))
