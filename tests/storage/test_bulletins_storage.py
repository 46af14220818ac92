"""Bulletin storage on SQLite and PostgreSQL: the constraints the delivery rules rest on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from channels.telegram_addresses import address_of_chat as telegram
from org.units import Unit
from storage import acknowledgements as acks
from storage import bulletins as bstore
from storage import deliveries as dstore
from storage import delivery_recovery as recovery
from storage import schedules as sstore
from storage.compliance import bulletins_per_group
from storage.groups import link_group
from storage.units import sync_units

NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)

STAFF = telegram(7)  # who planned and composed


async def seed(db):
    async with db.transaction() as conn:
        await sync_units(conn, [Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")], NOW)
        for chat_id in (-1, -2):
            await link_group(conn, telegram(chat_id), f"Tổ {-chat_id}", "TT", STAFF, NOW)
        groups = await dstore.active_groups(conn, ["TT"])
        bulletin = await bstore.insert_bulletin(
            conn, unit_code="DT", topic="general", body="Một", media_kind=None,
            media_file_id=None, status=bstore.QUEUED, is_alert=False, created_by=STAFF, now=NOW)
    return [g.group_id for g in groups], bulletin


async def test_one_delivery_row_per_bulletin_and_group(db):
    group_ids, bulletin = await seed(db)
    async with db.transaction() as conn:
        dispatch = await dstore.insert_dispatch(conn, kind="now", unit_code="TT",
                                                requested_by=STAFF, now=NOW)
        await dstore.plan_deliveries(conn, dispatch, [(bulletin.id, group_ids[0])], NOW)
    with pytest.raises(IntegrityError):
        async with db.transaction() as conn:
            await dstore.plan_deliveries(conn, dispatch, [(bulletin.id, group_ids[0])], NOW)


async def test_a_row_is_claimed_for_sending_once_and_a_crash_leaves_it_uncertain(db):
    group_ids, bulletin = await seed(db)
    async with db.transaction() as conn:
        dispatch = await dstore.insert_dispatch(conn, kind="now", unit_code="TT",
                                                requested_by=STAFF, now=NOW)
        first, second = await dstore.plan_deliveries(
            conn, dispatch, [(bulletin.id, g) for g in group_ids], NOW)
    async with db.transaction() as conn:
        assert await dstore.claim_for_sending(conn, first, silent=False, now=NOW)
        assert not await dstore.claim_for_sending(conn, first, silent=False, now=NOW)
    async with db.transaction() as conn:
        assert await recovery.sending_to_uncertain(conn, NOW) == {dispatch: 1}
        assert await recovery.unreported_uncertain(conn) == {dispatch: 1}
        await recovery.uncertain_reported(conn, dispatch)
        assert await recovery.unreported_uncertain(conn) == {}
        assert await recovery.pending_by_dispatch(conn) == {dispatch: [second]}
        assert await recovery.uncertain_to_pending(conn, dispatch, NOW) == [first]
        assert await dstore.open_count(conn, dispatch) == 2
        assert not await dstore.summary_due(conn, dispatch)  # rows still open
        for row in (first, second):
            await dstore.give_up(conn, row, uncertain=False, reason="test", now=NOW)
        assert await dstore.summary_due(conn, dispatch)
        assert await dstore.summaries_owed(conn) == [dispatch]
        assert await dstore.mark_summary_sent(conn, dispatch, NOW)
        assert not await dstore.mark_summary_sent(conn, dispatch, NOW)
        assert not await dstore.summary_due(conn, dispatch)
        assert await dstore.summaries_owed(conn) == []


async def test_the_queue_skips_bulletins_a_group_already_had(db):
    group_ids, first = await seed(db)
    async with db.transaction() as conn:
        second = await bstore.insert_bulletin(
            conn, unit_code="TT", topic="fire", body="Hai", media_kind=None, media_file_id=None,
            status=bstore.QUEUED, is_alert=False, created_by=STAFF, now=NOW)
        dispatch = await dstore.insert_dispatch(conn, kind="slot", unit_code="TT",
                                                requested_by=None, now=NOW)
        [row] = await dstore.plan_deliveries(conn, dispatch, [(first.id, group_ids[0])], NOW)
        await dstore.claim_for_sending(conn, row, silent=False, now=NOW)
        await dstore.mark_failed(conn, row, "Forbidden", NOW)  # a failed row still counts
        sources = ["TT", "DT"]
        assert await bstore.next_bulletin_for_group(conn, group_ids[0], sources) == second.id
        assert await bstore.next_bulletin_for_group(conn, group_ids[1], sources) == first.id
        assert await bstore.move_up(conn, second.id, ["DT", "TT"])
        assert await bstore.next_bulletin_for_group(conn, group_ids[1], sources) == second.id
        assert await bstore.remove_bulletin(conn, second.id)
        assert await bstore.next_bulletin_for_group(conn, group_ids[0], sources) is None


async def test_a_slot_is_claimed_once(db):
    await seed(db)
    async with db.transaction() as conn:
        assert await sstore.claim_slot(conn, "TT", sstore.BULLETIN_SLOT, NOW, NOW)
        assert not await sstore.claim_slot(conn, "TT", sstore.BULLETIN_SLOT, NOW, NOW)
        assert await sstore.claim_slot(conn, "TT", sstore.COMPLIANCE_CHECK, NOW, NOW)
        await sstore.set_unit_schedule(conn, "TT", "daily 07:00", STAFF, NOW)
        assert await sstore.unit_schedule_overrides(conn) == {"TT": ("daily 07:00", NOW)}


async def test_acknowledgements_count_each_pseudonym_once_and_compliance_counts_bulletins(db):
    group_ids, bulletin = await seed(db)
    async with db.transaction() as conn:
        dispatch = await dstore.insert_dispatch(conn, kind="now", unit_code="TT",
                                                requested_by=STAFF, now=NOW)
        [row] = await dstore.plan_deliveries(conn, dispatch, [(bulletin.id, group_ids[0])], NOW)
        await dstore.claim_for_sending(conn, row, silent=False, now=NOW)
        await dstore.mark_sent(conn, row, 55, NOW)
        assert await acks.record_press(conn, bulletin.id, group_ids[0], "p" * 64, NOW)
        assert not await acks.record_press(conn, bulletin.id, group_ids[0], "p" * 64, NOW)
        assert await acks.record_press(conn, bulletin.id, group_ids[0], "q" * 64, NOW)
        assert await acks.press_count(conn, bulletin.id, group_ids[0]) == 2
        assert await acks.acknowledged_groups(conn, [bulletin.id]) == 1
        assert await dstore.delivered_message(conn, bulletin.id, telegram(-1)) == (group_ids[0], 55)
        tallies = await bulletins_per_group(conn, ["TT"], NOW - timedelta(days=1),
                                            NOW + timedelta(days=1))
    assert sorted(t.bulletins for t in tallies) == [0, 1]


async def test_a_slot_claim_rolls_back_with_its_plan(db):
    """A crash while planning must leave the slot unclaimed, so it runs after the restart."""
    await seed(db)

    class CrashWhilePlanning(Exception):
        pass

    with pytest.raises(CrashWhilePlanning):
        async with db.transaction() as conn:
            assert await sstore.claim_slot(conn, "TT", sstore.BULLETIN_SLOT, NOW, NOW)
            raise CrashWhilePlanning
    async with db.transaction() as conn:
        assert await sstore.last_slot_run(conn, "TT", sstore.BULLETIN_SLOT) is None
        assert await sstore.claim_slot(conn, "TT", sstore.BULLETIN_SLOT, NOW, NOW)
        assert await sstore.last_slot_run(conn, "TT", sstore.BULLETIN_SLOT) == NOW


async def test_the_queue_lists_only_bulletins_still_waiting_for_a_group(db):
    """After months of slots every old bulletin has reached every group: /queue must show the
    new ones (and how many groups still wait), not twenty bulletins that are done."""
    group_ids, first = await seed(db)
    async with db.transaction() as conn:
        done = [first] + [await bstore.insert_bulletin(
            conn, unit_code="TT", topic="general", body=f"Cũ {n}", media_kind=None,
            media_file_id=None, status=bstore.QUEUED, is_alert=False, created_by=STAFF, now=NOW)
            for n in range(24)]
        half, = [await bstore.insert_bulletin(
            conn, unit_code="DT", topic="fire", body="Nửa", media_kind=None, media_file_id=None,
            status=bstore.QUEUED, is_alert=False, created_by=STAFF, now=NOW)]
        draft = await bstore.insert_bulletin(
            conn, unit_code="TT", topic="fire", body="Nháp", media_kind=None, media_file_id=None,
            status=bstore.DRAFT, is_alert=False, created_by=STAFF, now=NOW)
        dispatch = await dstore.insert_dispatch(conn, kind="slot", unit_code="TT",
                                                requested_by=None, now=NOW)
        await dstore.plan_deliveries(conn, dispatch, [(b.id, g) for b in done for g in group_ids]
                                     + [(half.id, group_ids[0])], NOW)
        listed = await bstore.waiting_bulletins(conn, ["DT", "TT"], 20)
        assert [(w.bulletin.id, w.groups_waiting) for w in listed] == [(half.id, 1),
                                                                      (draft.id, 2)]
        # Scope: a commune officer does not see the province's bulletin.
        assert [w.bulletin.id for w in await bstore.waiting_bulletins(conn, ["TT"], 20)] == [
            draft.id]
        # Moving up passes the listed bulletin ahead, not a finished one hidden in between.
        assert await bstore.move_up(conn, draft.id, ["DT", "TT"])
        listed = await bstore.waiting_bulletins(conn, ["DT", "TT"], 20)
        assert [w.bulletin.id for w in listed] == [draft.id, half.id]
        assert not await bstore.move_up(conn, draft.id, ["DT", "TT"])


async def test_a_composer_draft_is_kept_per_staff_member_and_replaced_by_the_next(db):
    from storage import bulletin_drafts as drafts

    await seed(db)
    async with db.transaction() as conn:
        await drafts.save_draft(conn, STAFF, drafts.DraftRow("TT", None, None, None, None, NOW))
        await drafts.save_draft(conn, STAFF, drafts.DraftRow("TT", "fire", "Cháy", "photo", "F1",
                                                         NOW + timedelta(minutes=1)))
        assert await drafts.load_draft(conn, STAFF) == drafts.DraftRow(
            "TT", "fire", "Cháy", "photo", "F1", NOW + timedelta(minutes=1))
        assert await drafts.load_draft(conn, telegram(8)) is None
        await drafts.drop_draft(conn, STAFF)
        assert await drafts.load_draft(conn, STAFF) is None
