"""The webhook inbox on SQLite and PostgreSQL (SPEC §14): a re-POST is a no-op, rows come out
in update_id order, a row is taken once, a handled row keeps only its id, a row a dead process
was handling becomes uncertain and is never handed out again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ops.update_sealing import UpdateSealer
from storage import inbox
from storage.schema import telegram_inbox

KEY = b"k" * 32


async def accept(db, clock, update_id: int, sealed: str = "sealed") -> bool:
    async with db.transaction() as conn:
        return await inbox.accept_update(conn, update_id, sealed, clock.now())


async def waiting(db) -> list[int]:
    async with db.reading() as conn:
        return [row.update_id for row in await inbox.received_updates(conn, 100)]


async def test_a_repost_changes_nothing_and_rows_come_in_update_order(db, clock):
    assert await accept(db, clock, 12, "b")
    assert await accept(db, clock, 11, "a")
    assert not await accept(db, clock, 12, "forged")
    assert await waiting(db) == [11, 12]
    async with db.reading() as conn:
        rows = await inbox.received_updates(conn, 100)
    assert [r.sealed for r in rows] == ["a", "b"]


async def test_a_row_is_taken_once_and_done_keeps_only_its_id(db, clock):
    await accept(db, clock, 7)
    async with db.transaction() as conn:
        assert await inbox.take_update(conn, 7, clock.now())
        assert not await inbox.take_update(conn, 7, clock.now())
    assert await waiting(db) == []
    async with db.transaction() as conn:
        await inbox.finish_update(conn, 7)
    assert not await accept(db, clock, 7)  # Telegram re-POSTing a handled update
    async with db.reading() as conn:
        row = (await conn.execute(select(telegram_inbox))).one()
    assert (row.state, row.payload) == (inbox.DONE, None)


async def test_a_row_taken_by_a_dead_process_is_uncertain_and_never_handed_out(db, clock):
    for update_id in (1, 2):
        await accept(db, clock, update_id)
    async with db.transaction() as conn:
        assert await inbox.take_update(conn, 1, clock.now())
        assert await inbox.give_up_taken(conn) == 1
        assert not await inbox.take_update(conn, 1, clock.now())
        assert await inbox.inbox_counts(conn) == {inbox.UNCERTAIN: 1, inbox.RECEIVED: 1}
    assert await waiting(db) == [2]


async def test_finished_rows_are_pruned_after_a_day_waiting_ones_never(db, clock):
    await accept(db, clock, 1)
    await accept(db, clock, 2)
    async with db.transaction() as conn:
        await inbox.take_update(conn, 1, clock.now())
        await inbox.finish_update(conn, 1)
        assert await inbox.prune_finished(conn, clock.now() + timedelta(hours=25)) == 1
    assert await waiting(db) == [2]


def test_a_sealed_update_opens_only_with_its_key_and_on_its_row():
    sealer = UpdateSealer(KEY)
    raw = b'{"update_id": 5, "message": {"from": {"id": 424242, "first_name": "Lan"}}}'
    sealed = sealer.seal(5, raw)
    assert b"424242" not in sealed.encode() and "Lan" not in sealed
    assert sealer.open(5, sealed) == raw
    assert sealer.open(6, sealed) is None
    assert UpdateSealer(b"x" * 32).open(5, sealed) is None
    assert sealer.seal(5, raw) != sealed  # a fresh nonce each time


async def test_an_unreadable_row_is_set_aside_with_its_payload_and_never_pruned(db, clock):
    await accept(db, clock, 3, "sealed-with-another-key")
    async with db.transaction() as conn:
        await inbox.set_aside_unreadable(conn, 3)
        assert await inbox.prune_finished(conn, clock.now() + timedelta(days=30)) == 0
        row = (await conn.execute(select(telegram_inbox))).one()
    assert (row.state, row.payload) == (inbox.UNREADABLE, "sealed-with-another-key")
    assert await waiting(db) == []
