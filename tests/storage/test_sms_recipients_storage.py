"""An SMS subscriber's recipient row (``storage.sms_subscribers``), on both backends: the
delivery targets of its unit include it, a move keeps the same row (so what it received is not
sent again), a removal forgets its sealed address but keeps the delivery history, an unreachable
number stops receiving; and the SMS cost ledger behind the monthly budget."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from broadcasts.sms_subscribers import SmsSubscribers
from core.address import Address
from org.directory import Directory
from org.phone_numbers import parse_phone_number
from storage import deliveries as delivery_store
from storage import groups as group_store
from storage import sms_subscribers as store
from storage.schema import groups, sms_subscribers
from tests.storage.test_sms_subscribers_storage import ADMIN, KEY, UNITS
from tips.anonymity import Anonymizer

NUMBER = parse_phone_number("0901234567")


async def _subscribers(db, clock) -> SmsSubscribers:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [], clock.now())
    return SmsSubscribers(db, directory, Anonymizer(KEY), clock)


async def _targets(db, codes) -> list[delivery_store.TargetGroup]:
    async with db.reading() as conn:
        return await delivery_store.active_groups(conn, codes)


async def test_a_subscriber_is_a_delivery_target_of_its_unit_only(db, clock):
    subscribers = await _subscribers(db, clock)
    await subscribers.add(ADMIN, NUMBER, "TT-A1")
    [target] = await _targets(db, ["TT", "TT-A1"])
    assert target.unit_code == "TT-A1" and target.address.channel == "sms"
    assert target.address in await subscribers.addresses_of_unit("TT-A1")
    assert await _targets(db, ["BT"]) == []


async def test_a_move_keeps_the_row_and_a_removal_forgets_the_address(db, clock):
    subscribers = await _subscribers(db, clock)
    await subscribers.add(ADMIN, NUMBER, "TT")
    [before] = await _targets(db, ["TT"])
    await subscribers.add(ADMIN, NUMBER, "BT")
    [after] = await _targets(db, ["BT"])
    assert after.group_id == before.group_id and await _targets(db, ["TT"]) == []
    await subscribers.remove(ADMIN, NUMBER)
    assert await _targets(db, ["BT"]) == []
    async with db.reading() as conn:
        [row] = (await conn.execute(select(groups.c.address, groups.c.status))).all()
    assert row.address == Address("sms", f"gone-{before.group_id}")
    assert row.status == store.SMS_STOPPED
    async with db.reading() as conn:  # never listed as a group (/groups)
        assert await group_store.linked_groups(conn) == []
    # Subscribed again: a fresh row, receiving again.
    await subscribers.add(ADMIN, NUMBER, "BT")
    assert len(await _targets(db, ["BT"])) == 1


async def test_an_unreachable_number_stops_receiving_until_subscribed_again(db, clock):
    subscribers = await _subscribers(db, clock)
    await subscribers.add(ADMIN, NUMBER, "TT")
    [target] = await _targets(db, ["TT"])
    async with db.transaction() as conn:
        assert await store.recipient_unreachable(conn, target.address, clock.now())
    assert await _targets(db, ["TT"]) == []
    async with db.reading() as conn:
        assert (await conn.execute(select(sms_subscribers.c.active))).scalar_one() is False
    await subscribers.add(ADMIN, NUMBER, "TT")
    assert [t.group_id for t in await _targets(db, ["TT"])] == [target.group_id]


async def test_the_cost_ledger_counts_from_a_date_and_the_notice_is_claimed_once(db, clock):
    start = clock.now()
    async with db.transaction() as conn:
        await store.record_sms_sent(conn, 2, 1000, start - timedelta(days=40))
        await store.record_sms_sent(conn, 1, 500, start)
        await store.record_sms_sent(conn, 3, 1500, start + timedelta(hours=1))
    async with db.reading() as conn:
        assert await store.sms_spent_since(conn, start) == 2000
    async with db.transaction() as conn:
        assert await store.claim_budget_notice(conn, "2026-03", start)
        assert not await store.claim_budget_notice(conn, "2026-03", start)
        assert await store.claim_budget_notice(conn, "2026-04", start)
