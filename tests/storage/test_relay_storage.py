"""The relay's storage on SQLite and PostgreSQL: when a follow-up link stops relaying, what became
of each message to a tipster, follow-ups counted per pseudonym, long notices sent part by part,
and migration 0009 up and down over existing rows."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import bindparam, select, text

from channels.telegram_addresses import address_of_chat as telegram
from channels.telegram_addresses import chat_id_of
from org.directory import Directory
from org.units import Unit
from storage import outbox
from storage import tips as tip_store
from storage.migrate import _alembic_config, current_revision, head_revision
from storage.schema import UTCDateTime
from storage.tip_records import Delivery, Direction, ItemKind, TipItem
from storage.tips_tables import outbox as outbox_table
from storage.tips_tables import tip_thread

OFFICER = telegram(900000002)


async def prepared(db, clock) -> None:
    await Directory(db).sync_from_config([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")], [],
                                         clock.now())


async def file_one(conn, clock, code="TIP-AAAAAA", sender="p1") -> int:
    return await tip_store.insert_tip(
        conn, code=code, unit_code="TT", category="drugs", sender=sender, bulletin_id=None,
        relay_link=f"sealed-{code}", items=[TipItem(ItemKind.TEXT, "chữ")], now=clock.now())


async def file_one_as_0008(conn, clock) -> int:
    """A tip as revision 0008 stored it (storage.tips writes the columns of the head revision)."""
    return (await conn.execute(text(
        "INSERT INTO tips (code, unit_id, category, sender, bulletin_id, assessment, state,"
        " created_at, relay_link, staff_notified) SELECT 'TIP-AAAAAA', id, 'drugs', 'p1', NULL,"
        " 'unassessed', 'open', :at, 'sealed-TIP-AAAAAA', FALSE FROM units"
        " WHERE code_key = 'TT' RETURNING id").bindparams(bindparam("at", **_AT)),
        {"at": clock.now()})).scalar_one()


async def test_a_link_stops_relaying_at_its_expiry_before_any_purge(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        tip_id = await file_one(conn, clock)
        assert await tip_store.live_relay_link_of(conn, tip_id, clock.now()) == "sealed-TIP-AAAAAA"
        expires = clock.now() + timedelta(days=30)
        await tip_store.close_tip(conn, tip_id, clock.now(), expires)
    async with db.reading() as conn:
        assert await tip_store.live_relay_link_of(conn, tip_id, expires - timedelta(seconds=1))
        assert await tip_store.live_relay_link_of(conn, tip_id, expires) is None
        assert await tip_store.relay_link_of(conn, tip_id) is not None  # not purged yet


async def test_a_question_records_its_delivery_and_who_asked(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        tip_id = await file_one(conn, clock)
        asked = await tip_store.add_thread_entry(conn, tip_id, Direction.TO_TIPSTER, "Ở đâu?",
                                                 OFFICER, clock.now(), Delivery.PENDING)
        await tip_store.add_thread_entry(conn, tip_id, Direction.FROM_TIPSTER, "Hẻm 5", None,
                                         clock.now())
        await tip_store.set_delivery(conn, asked, Delivery.BLOCKED)
    async with db.reading() as conn:
        thread = await tip_store.thread_of(conn, tip_id)
        question = await tip_store.question_of(conn, asked)
    assert [(e.text, e.delivery) for e in thread] == [("Ở đâu?", Delivery.BLOCKED),
                                                     ("Hẻm 5", None)]
    assert not thread[0].reached_tipster and question.code == "TIP-AAAAAA"
    assert question.asked_by == OFFICER


async def test_follow_ups_are_counted_per_pseudonym_across_tips_within_the_hour(db, clock):
    await prepared(db, clock)
    start = clock.now()
    async with db.transaction() as conn:
        first = await file_one(conn, clock)
        second = await file_one(conn, clock, "TIP-BBBBBB")
        someone_elses = await file_one(conn, clock, "TIP-CCCCCC", sender="p2")
        for minutes, tip_id in ((0, first), (10, second), (20, first), (30, someone_elses)):
            await tip_store.add_thread_entry(conn, tip_id, Direction.FROM_TIPSTER, "thêm", None,
                                             start + timedelta(minutes=minutes))
        await tip_store.add_thread_entry(conn, first, Direction.TO_TIPSTER, "hỏi", OFFICER,
                                         start + timedelta(minutes=40))
    async with db.reading() as conn:
        since_start = await tip_store.followups_since(conn, "p1", start - timedelta(hours=1), 10)
        later = await tip_store.followups_since(conn, "p1", start + timedelta(minutes=5), 10)
        capped = await tip_store.followups_since(conn, "p1", start - timedelta(hours=1), 2)
    assert since_start == [start, start + timedelta(minutes=10), start + timedelta(minutes=20)]
    assert later == since_start[1:] and capped == since_start[:2]


async def test_the_purge_fails_waiting_notices_and_marks_their_questions(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        tip_id = await file_one(conn, clock)
        kept = await file_one(conn, clock, "TIP-BBBBBB")
        asked = await tip_store.add_thread_entry(conn, tip_id, Direction.TO_TIPSTER, "Ở đâu?",
                                                 OFFICER, clock.now(), Delivery.PENDING)
        await outbox.enqueue(conn, payload={"text": "q"}, now=clock.now(), relay_link="x",
                             tip_id=tip_id, thread_entry_id=asked)
        await outbox.enqueue(conn, payload={"text": "s", "about": "tipster.closed"},
                             now=clock.now(), relay_link="x", tip_id=tip_id)
        await outbox.enqueue(conn, payload={"text": "other"}, now=clock.now(), relay_link="y",
                             tip_id=kept)
        await tip_store.close_tip(conn, tip_id, clock.now(), clock.now() + timedelta(days=30))
    async with db.transaction() as conn:
        purged = await tip_store.purge_expired_relay_links(conn, clock.now() + timedelta(days=30))
    assert purged.tips == 1
    assert [(n.thread_entry_id, n.payload["text"]) for n in purged.notices] == [(asked, "q"),
                                                                               (None, "s")]
    async with db.reading() as conn:
        thread = await tip_store.thread_of(conn, tip_id)
        undelivered = await outbox.undelivered_to_tipster(conn, tip_id)
        still_due = await outbox.due_rows(conn, clock.now())
    assert thread[0].delivery is Delivery.LINK_EXPIRED
    assert [(n.about, n.failure) for n in undelivered] == [("tipster.closed", "link_expired")]
    assert [r.payload["text"] for r in still_due] == ["other"]


async def test_an_undeliverable_notice_is_kept_failed_for_staff_to_see(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        tip_id = await file_one(conn, clock)
        await outbox.record_undeliverable(conn, payload={"text": "x", "about": "tipster.closed"},
                                          now=clock.now(), tip_id=tip_id,
                                          failure=Delivery.LINK_EXPIRED.value)
        await outbox.enqueue(conn, payload={"text": "to staff"}, now=clock.now(),
                             address=OFFICER, tip_id=tip_id)
        staff_row = (await outbox.due_rows(conn, clock.now()))[0]
        await outbox.mark_failed(conn, staff_row.id, "Forbidden")
    async with db.reading() as conn:
        undelivered = await outbox.undelivered_to_tipster(conn, tip_id)
        assert await outbox.due_rows(conn, clock.now()) == []
    assert [(n.about, n.failure) for n in undelivered] == [("tipster.closed", "link_expired")]


async def test_a_long_notice_goes_part_by_part_and_a_retry_goes_on_from_the_next(db, clock):
    async with db.transaction() as conn:
        await outbox.enqueue(conn, payload={"text": "long"}, now=clock.now(), address=OFFICER)
        await outbox.enqueue(conn, payload={"text": "after"}, now=clock.now(), address=OFFICER)
    async with db.transaction() as conn:
        (row,) = await outbox.due_rows(conn, clock.now())
        assert row.parts_sent == 0 and await outbox.mark_sending(conn, row.id)
        await outbox.mark_part_sent(conn, row.id)
    async with db.transaction() as conn:
        (again,) = await outbox.due_rows(conn, clock.now())  # still first in its chat
        assert (again.id, again.parts_sent, again.attempts) == (row.id, 1, 0)
        await outbox.mark_sending(conn, row.id)
    async with db.transaction() as conn:
        assert await outbox.requeue_interrupted(conn) == 1  # a crash mid-part
        (resumed,) = await outbox.due_rows(conn, clock.now())
    assert (resumed.id, resumed.parts_sent) == (row.id, 1)


async def _migrate(db, action: str, revision: str) -> None:
    def run(connection) -> None:
        getattr(command, action)(_alembic_config(connection), revision)

    async with db.schema_change() as conn:
        await conn.run_sync(run)


_AT = {"type_": UTCDateTime()}


async def test_migration_0009_keeps_what_became_of_existing_questions_and_goes_back(db, clock):
    await prepared(db, clock)
    await _migrate(db, "downgrade", "0008")
    assert await current_revision(db) == "0008"
    asked_at, later = clock.now(), clock.now() + timedelta(minutes=5)
    async with db.transaction() as conn:
        tip_id = await file_one_as_0008(conn, clock)
        add_entry = text("INSERT INTO tip_thread (tip_id, at, direction, staff_telegram_id, text)"
                         " VALUES (:tip, :at, 'to_tipster', :officer, :text)").bindparams(
            bindparam("at", **_AT))
        add_notice = text(
            "INSERT INTO outbox (chat_id, relay_link, tip_id, payload, status, attempts,"
            " last_error, not_before, created_at) VALUES (NULL, NULL, :tip, '{}', :status, 1,"
            " :error, :at, :at)").bindparams(bindparam("at", **_AT))
        for at, question in ((asked_at, "bị chặn?"), (later, "đã đến?")):
            await conn.execute(add_entry, {"tip": tip_id, "at": at, "officer": chat_id_of(OFFICER),
                                           "text": question})
        await conn.execute(add_entry, {"tip": tip_id, "at": later + timedelta(minutes=1),
                                       "officer": chat_id_of(OFFICER), "text": "không rõ"})
        await conn.execute(add_notice, {"tip": tip_id, "status": "failed", "at": asked_at,
                                        "error": "Forbidden: bot was blocked by the user"})
        await conn.execute(add_notice, {"tip": tip_id, "status": "sent", "at": later,
                                        "error": None})
        await conn.execute(add_notice, {"tip": tip_id, "status": "failed",
                                        "at": later + timedelta(hours=1),
                                        "error": "follow-up ended"})
    await _migrate(db, "upgrade", "head")
    assert await current_revision(db) == head_revision()
    async with db.reading() as conn:
        thread = await tip_store.thread_of(conn, tip_id)
        undelivered = await outbox.undelivered_to_tipster(conn, tip_id)
        parts = (await conn.execute(select(outbox_table.c.parts_sent))).scalars().all()
    assert [(e.text, e.delivery) for e in thread] == [
        ("bị chặn?", Delivery.BLOCKED), ("đã đến?", Delivery.SENT), ("không rõ", None)]
    assert [n.failure for n in undelivered] == ["link_expired"]  # not a question
    assert parts == [0, 0, 0]
    await _migrate(db, "downgrade", "0008")
    async with db.reading() as conn:
        columns = (await conn.execute(select(tip_thread.c.text))).scalars().all()
    assert len(columns) == 3
    await _migrate(db, "upgrade", "head")
    assert await current_revision(db) == head_revision()
