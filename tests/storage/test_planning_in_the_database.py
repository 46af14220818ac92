"""Delivery planning done by the database (issue 19: 100,000 groups never held in memory), on
both backends: the rows an alert plans are exactly :func:`active_groups`' targets, in group
order, SMS subscribers counted; the units with somewhere to send are found without the groups."""

from __future__ import annotations

from sqlalchemy import select

from broadcasts.sms_subscribers import SmsSubscribers
from channels.telegram_addresses import address_of_chat as telegram
from org.directory import Directory
from org.phone_numbers import parse_phone_number
from storage import bulletins as bulletin_store
from storage import deliveries as delivery_store
from storage.groups import link_group, mark_group_inactive
from storage.schema import deliveries
from tests.storage.test_sms_subscribers_storage import ADMIN, KEY, UNITS
from tips.anonymity import Anonymizer


async def _seed(db, clock) -> int:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [], clock.now())
    await SmsSubscribers(db, directory, Anonymizer(KEY), clock).add(
        ADMIN, parse_phone_number("0901234567"), "TT-A1")
    now = clock.now()
    async with db.transaction() as conn:
        for chat_id, unit in ((-3, "TT-A1"), (-1, "TT"), (-2, "TT"), (-4, "BT"), (-5, "TT")):
            await link_group(conn, telegram(chat_id), f"Tổ {-chat_id}", unit, ADMIN.address, now)
        await mark_group_inactive(conn, telegram(-5), now)
        bulletin = await bulletin_store.insert_bulletin(
            conn, unit_code="TT", topic="alert", body="Khẩn", media_kind=None,
            media_file_id=None, status=bulletin_store.DIRECT, is_alert=True,
            created_by=ADMIN.address, now=now)
    return bulletin.id


async def test_an_alert_plans_one_row_per_active_target_of_the_subtree(db, clock):
    bulletin_id = await _seed(db, clock)
    codes = ["TT", "TT-A1"]
    async with db.reading() as conn:
        targets = await delivery_store.active_groups(conn, codes)
    async with db.transaction() as conn:
        dispatch = await delivery_store.insert_dispatch(conn, kind="alert", unit_code="TT",
                                                        requested_by=ADMIN.address,
                                                        now=clock.now())
        ids, sms = await delivery_store.plan_unit_deliveries(conn, dispatch, bulletin_id, codes,
                                                             clock.now())
        rows = (await conn.execute(select(deliveries.c.id, deliveries.c.group_id,
                                          deliveries.c.bulletin_id, deliveries.c.status)
                                   .where(deliveries.c.dispatch_id == dispatch)
                                   .order_by(deliveries.c.id))).all()
    assert len(targets) == 4  # three groups of TT and TT-A1 (not BT's, not the inactive one) + SMS
    assert ids == [r.id for r in rows]
    assert [r.group_id for r in rows] == [t.group_id for t in targets]  # group order kept
    assert {(r.bulletin_id, r.status) for r in rows} == {(bulletin_id, delivery_store.PENDING)}
    assert sms == 1


async def test_units_with_somewhere_to_send_are_found_without_reading_the_groups(db, clock):
    await _seed(db, clock)
    async with db.reading() as conn:
        found = await delivery_store.units_with_active_groups(conn, ["TT", "TT-A1", "BT", "DT"])
    assert found == ["BT", "TT", "TT-A1"]
