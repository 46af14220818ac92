"""Tips storage on SQLite and PostgreSQL: tips, drafts, blocks, outbox, relay purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat as telegram
from org.directory import Directory
from org.units import Unit
from storage import outbox, tip_senders
from storage import tips as tip_store
from storage.audit import entries_for
from storage.bulletins import insert_bulletin
from storage.outcomes import record_outcomes
from storage.schema import bulletins
from storage.tip_records import Assessment, Direction, ItemKind, TipItem, TipState
from storage.tip_senders import DraftRecord
from storage.tips_tables import outbox as outbox_table
from storage.tips_tables import outcomes, tip_thread


async def prepared(db, clock) -> None:
    await Directory(db).sync_from_config([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")], [],
                                         clock.now())


async def file_one(conn, clock, code="TIP-AAAAAA", sender="p1") -> int:
    return await tip_store.insert_tip(
        conn, code=code, unit_code="tt", category="drugs", sender=sender, bulletin_id=None,
        relay_link="sealed", items=[TipItem(ItemKind.TEXT, "chữ"),
                                    TipItem(ItemKind.PHOTO, "ảnh", "file-1")], now=clock.now())


async def test_tip_round_trip_and_counts_by_sender(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        tip_id = await file_one(conn, clock)
        await file_one(conn, clock, "TIP-BBBBBB")
        await file_one(conn, clock, "TIP-CCCCCC", sender="p2")
    async with db.reading() as conn:
        tip = await tip_store.find_tip(conn, "TIP-AAAAAA")
        items = await tip_store.tip_items_of(conn, tip_id)
        standing = await tip_senders.standing_of(
            conn, "p1", now=clock.now(), hour_ago=clock.now() - timedelta(hours=1),
            day_ago=clock.now() - timedelta(days=1))
        page, total = await tip_store.tips_in_units(conn, {"TT"}, limit=2)
    assert tip.unit_code == "TT" and tip.assessment is Assessment.UNASSESSED
    assert [i.kind for i in items] == [ItemKind.TEXT, ItemKind.PHOTO]
    assert total == 3 and len(page) == 2
    assert (standing.tips_since_hour, standing.tips_since_day) == (2, 2)
    assert not standing.blocked and standing.remembered_unit is None and not standing.has_draft


async def test_a_taken_code_is_refused_by_the_index_without_ending_the_transaction(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        assert await file_one(conn, clock) is not None
        assert await file_one(conn, clock, sender="p2") is None  # same code: drawn again
        assert await file_one(conn, clock, "TIP-BBBBBB", sender="p2") is not None
    async with db.reading() as conn:
        assert (await tip_store.find_tip(conn, "TIP-AAAAAA")).sender == "p1"
        assert (await tip_store.find_tip(conn, "TIP-BBBBBB")).sender == "p2"


async def test_close_sets_the_purge_date_and_purge_deletes_the_link(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        tip_id = await file_one(conn, clock)
        assert await tip_store.close_tip(conn, tip_id, clock.now(),
                                         clock.now() + timedelta(days=30))
        assert not await tip_store.close_tip(conn, tip_id, clock.now(), clock.now())
    async with db.transaction() as conn:
        assert (await tip_store.purge_expired_relay_links(conn, clock.now())).tips == 0
        assert (await tip_store.purge_expired_relay_links(
            conn, clock.now() + timedelta(days=30))).tips == 1
        assert await tip_store.relay_link_of(conn, tip_id) is None
        assert (await tip_store.find_tip_by_id(conn, tip_id)).state is TipState.CLOSED


async def test_drafts_units_and_blocks_are_kept_per_pseudonym(db, clock):
    await prepared(db, clock)
    draft = DraftRecord("collect", "TT", "drugs", None, (TipItem(ItemKind.TEXT, "một"),))
    async with db.transaction() as conn:
        await tip_senders.save_draft(conn, "p1", draft, clock.now())
        await tip_senders.save_draft(conn, "p1", DraftRecord(
            "collect", "TT", "drugs", None, (*draft.items, TipItem(ItemKind.TEXT, "hai"))),
            clock.now())
        await tip_senders.remember_unit(conn, "p1", "TT", clock.now())
        tip_id = await file_one(conn, clock)
        await tip_senders.block_sender(conn, "p1", clock.now() + timedelta(days=30), tip_id,
                                       telegram(7), clock.now())
    async with db.reading() as conn:
        loaded = await tip_senders.load_draft(conn, "p1")
        assert [i.text for i in loaded.items] == ["một", "hai"]
        assert await tip_senders.remembered_unit(conn, "p1") == "TT"
        assert await tip_senders.blocked_until(conn, "p1", clock.now()) is not None
        assert await tip_senders.blocked_until(conn, "p1", clock.now() + timedelta(days=31)) is None
        assert await tip_senders.blocked_until(conn, "p2", clock.now()) is None
        standing = await tip_senders.standing_of(
            conn, "p1", now=clock.now(), hour_ago=clock.now() - timedelta(hours=1),
            day_ago=clock.now() - timedelta(days=1))
        assert standing.blocked and standing.has_draft and standing.remembered_unit == "TT"
        assert standing.tips_since_hour == 1


async def test_outbox_rows_left_sending_are_sent_again_after_a_restart(db, clock):
    async with db.transaction() as conn:
        await outbox.enqueue(conn, payload={"text": "a"}, now=clock.now(),
                                 address=telegram(1))
        await outbox.enqueue(conn, payload={"text": "b"}, now=clock.now(), relay_link="x")
    async with db.transaction() as conn:
        first, second = await outbox.due_rows(conn, clock.now())
        assert await outbox.mark_sending(conn, first.id)
        assert not await outbox.mark_sending(conn, first.id)  # claimed once only
        await outbox.mark_sent(conn, first.id, clock.now())
        await outbox.mark_sending(conn, second.id)
    # the process dies here, between "sending" and "sent"
    async with db.transaction() as conn:
        assert await outbox.requeue_interrupted(conn) == 1
        assert [r.payload["text"] for r in await outbox.due_rows(conn, clock.now())] == ["b"]
        assert await outbox.statuses(conn) == {"sent": 1, "pending": 1}


async def test_due_notices_are_the_oldest_of_each_recipient(db, clock):
    async with db.transaction() as conn:
        for n in range(3):
            await outbox.enqueue(conn, payload={"text": f"admin {n}"}, now=clock.now(),
                                 address=telegram(1))
        await outbox.enqueue(conn, payload={"text": "officer"}, now=clock.now(),
                                 address=telegram(2))
        await outbox.enqueue(conn, payload={"text": "tipster"}, now=clock.now(), relay_link="r")
    async with db.reading() as conn:
        due = await outbox.due_rows(conn, clock.now())
    # A busy admin's backlog does not hold up the others, and keeps its own order.
    assert [r.payload["text"] for r in due] == ["admin 0", "officer", "tipster"]


async def test_key_fingerprint_is_kept_and_a_change_refused_only_while_tips_exist(db, clock,
                                                                                   tmp_path):
    import pytest

    from bot.secret_key import SecretKeyError, check_key_fingerprint
    from storage.key_fingerprint import stored_fingerprint

    def check(fingerprint, *, tips_exist, environ=None):
        return check_key_fingerprint(db, fingerprint, tips_exist=tips_exist, env_name="KEY",
                                     environ=environ or {}, data_dir=tmp_path, now=clock.now())

    await check("a" * 64, tips_exist=True)  # a database from before fingerprints: adopted
    await check("a" * 64, tips_exist=True)
    with pytest.raises(SecretKeyError) as caught:
        await check("b" * 64, tips_exist=True, environ={"KEY": "x" * 32})
    assert caught.value.message_key == "secret.changed_in_variable"
    with pytest.raises(SecretKeyError) as caught:
        await check("b" * 64, tips_exist=True)
    assert caught.value.params["path"] == tmp_path / "secret.key"
    async with db.reading() as conn:
        assert await stored_fingerprint(conn) == "a" * 64
    await check("b" * 64, tips_exist=False)  # nothing to lose: the new key is taken
    async with db.reading() as conn:
        assert await stored_fingerprint(conn) == "b" * 64


async def test_two_officers_assessing_at_once_send_one_being_checked_notice(db, clock):
    import asyncio
    from zoneinfo import ZoneInfo

    from core.config_model import Category, TipSettings
    from core.i18n import Translator
    from org.roles import Role
    from org.staff import StaffMember
    from tips import triage
    from tips.anonymity import Anonymizer
    from tips.context import TipsContext

    first = StaffMember(telegram(7), Role.OFFICER, "TT", True)
    second = StaffMember(telegram(8), Role.ADMIN, "DT", True)
    directory = Directory(db)
    await directory.sync_from_config([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")],
                                     [first, second], clock.now())
    ctx = TipsContext(db=db, clock=clock, anonymizer=Anonymizer(b"k" * 32), tr=Translator("vi"),
                      tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                      settings=TipSettings(5, 20, 30, 30, "unit", (Category("other", ""),)),
                      outcome_kinds=(), directory=directory)
    async with db.transaction() as conn:
        await file_one(conn, clock)
    async with db.reading() as conn:
        tip = await tip_store.find_tip(conn, "TIP-AAAAAA")  # both officers saw it unassessed
    results = await asyncio.gather(triage.assess(ctx, first, tip, Assessment.VALUABLE),
                                   triage.assess(ctx, second, tip, Assessment.FALSE))
    assert sorted(r.done for r in results) == sorted([triage.Done.DONE, triage.Done.RACED])
    async with db.reading() as conn:
        to_tipster = (await conn.execute(select(outbox_table.c.id).where(
            outbox_table.c.relay_link.is_not(None)))).all()
        assert len(to_tipster) == 1
        assert len(await entries_for(conn, "tip:TIP-AAAAAA")) == 1
        winner = (await tip_store.find_tip(conn, "TIP-AAAAAA")).assessment
    assert winner is (Assessment.VALUABLE if results[0].done is triage.Done.DONE
                      else Assessment.FALSE)


async def test_words_people_type_are_stored_without_nul_on_both_databases(db, clock):
    # PostgreSQL refuses NUL in text; a follow-up, a note or a bulletin carrying one must be
    # stored (the same words on both databases), never fail the person's command.
    await prepared(db, clock)
    async with db.transaction() as conn:
        tip_id = await file_one(conn, clock)
        await tip_store.add_thread_entry(conn, tip_id, Direction.FROM_TIPSTER, "biển\x00số 51F",
                                         None, clock.now())
        await record_outcomes(conn, unit_code="TT", tip_id=tip_id, quantities={"cases": 1},
                              note="ghi\x00chú", recorded_by=telegram(1), now=clock.now())
        await insert_bulletin(conn, unit_code="TT", topic="general", body="bản\x00tin",
                              media_kind=None, media_file_id=None, status="approved",
                              is_alert=False, created_by=telegram(1), now=clock.now())
    async with db.reading() as conn:
        assert (await conn.execute(select(tip_thread.c.text))).scalar() == "biểnsố 51F"
        assert (await conn.execute(select(outcomes.c.note))).scalar() == "ghichú"
        assert (await conn.execute(select(bulletins.c.body))).scalar() == "bảntin"
