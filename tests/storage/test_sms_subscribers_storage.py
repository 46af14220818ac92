"""SMS subscribers on both backends: officers add, move and remove numbers in their scope,
``HUY`` always unsubscribes, staff see numbers masked, and no number is ever stored in clear."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy import select

from broadcasts.sms_subscribers import SmsSubscribers, Subscription, lookup_key
from channels.telegram_addresses import address_of_chat
from core.address import Address
from org.directory import Directory
from org.phone_numbers import parse_phone_number
from org.roles import Role
from org.units import Unit
from storage.org_records import StaffMember
from storage.schema import audit_log, sms_subscribers
from tips.anonymity import Anonymizer

KEY = bytes(range(32))
UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT", "Xã Tân Thành", "DT"),
         Unit("TT-A1", "Ấp 1", "TT"), Unit("BT", "Xã Bình Thành", "DT")]
OFFICER = StaffMember(address_of_chat(2001), Role.OFFICER, "TT", True)
OTHER_OFFICER = StaffMember(address_of_chat(2002), Role.OFFICER, "BT", True)
ADMIN = StaffMember(address_of_chat(2000), Role.ADMIN, "DT", True)
NUMBER = parse_phone_number("0901234567")
# Every way the number could sit in a file: the spellings a person types and the provider form.
CLEAR_FORMS = ("0901234567", "901234567", "84901234567", "+84901234567", "090 123 4567")


async def subscribers_for(db, clock) -> SmsSubscribers:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [], clock.now())
    return SmsSubscribers(db, directory, Anonymizer(KEY), clock)


async def test_an_officer_adds_a_number_and_sees_it_masked(db, clock):
    subscribers = await subscribers_for(db, clock)
    added = await subscribers.add(OFFICER, NUMBER, "TT-A1")
    assert added.outcome is Subscription.ADDED
    listed = await subscribers.listing(OFFICER)
    assert [(s.masked_number, s.unit_code, s.active) for s in listed] == [
        ("09xx xxx 567", "TT-A1", True)]
    assert (await subscribers.add(OFFICER, parse_phone_number("+84 90 123 4567"), "TT-A1")
            ).outcome is Subscription.ALREADY


async def test_one_number_in_any_spelling_is_one_subscriber_that_moves(db, clock):
    subscribers = await subscribers_for(db, clock)
    await subscribers.add(OFFICER, NUMBER, "TT-A1")
    moved = await subscribers.add(OFFICER, parse_phone_number("84901234567"), "TT")
    assert (moved.outcome, moved.previous_unit_code) == (Subscription.MOVED, "TT-A1")
    async with db.reading() as conn:
        assert (await conn.execute(select(sms_subscribers.c.id))).all().__len__() == 1


async def test_scope_is_the_officers_subtree(db, clock):
    subscribers = await subscribers_for(db, clock)
    assert (await subscribers.add(OFFICER, NUMBER, "BT")).outcome is Subscription.OUT_OF_SCOPE
    assert (await subscribers.add(OFFICER, NUMBER, "NOPE")).outcome is Subscription.UNKNOWN_UNIT
    await subscribers.add(OTHER_OFFICER, NUMBER, "BT")
    # Another commune's subscriber can neither be taken over, removed nor seen.
    taken = await subscribers.add(OFFICER, NUMBER, "TT")
    assert (taken.outcome, taken.unit_code) == (Subscription.TAKEN, "")
    assert (await subscribers.remove(OFFICER, NUMBER)).outcome is Subscription.NOT_SUBSCRIBED
    assert await subscribers.listing(OFFICER) == []
    assert await subscribers.listing(OFFICER, "BT") is None
    assert [s.unit_code for s in await subscribers.listing(ADMIN)] == ["BT"]


async def test_removed_numbers_are_forgotten(db, clock):
    subscribers = await subscribers_for(db, clock)
    await subscribers.add(OFFICER, NUMBER, "TT")
    assert (await subscribers.remove(OFFICER, parse_phone_number("090.123.4567"))
            ).outcome is Subscription.REMOVED
    assert await subscribers.listing(OFFICER) == []
    async with db.reading() as conn:
        assert (await conn.execute(select(sms_subscribers))).all() == []


async def test_huy_from_the_phone_always_unsubscribes(db, clock):
    subscribers = await subscribers_for(db, clock)
    anonymizer = Anonymizer(KEY)
    await subscribers.add(OTHER_OFFICER, NUMBER, "BT")
    # The webhook receiver's address for the sender: the number sealed afresh.
    sender = Address("sms", anonymizer.seal_address(Address("sms", NUMBER.e164)))
    assert await subscribers.unsubscribe_sender(sender) is True
    assert await subscribers.listing(ADMIN) == []
    assert await subscribers.unsubscribe_sender(sender) is False


async def test_delivery_addresses_open_to_the_number_only_with_the_key(db, clock):
    subscribers = await subscribers_for(db, clock)
    await subscribers.add(OFFICER, NUMBER, "TT")
    [address] = await subscribers.addresses_of_unit("TT")
    assert address.channel == "sms" and NUMBER.e164 not in str(address)
    assert Anonymizer(KEY).open_address(address.id) == Address("sms", NUMBER.e164)
    assert Anonymizer(bytes(32)).open_address(address.id) is None


async def test_an_unreachable_number_is_listed_marked_and_gets_nothing(db, clock):
    subscribers = await subscribers_for(db, clock)
    await subscribers.add(OFFICER, NUMBER, "TT")
    [address] = await subscribers.addresses_of_unit("TT")
    assert await subscribers.mark_unreachable(address) is True
    assert await subscribers.addresses_of_unit("TT") == []
    assert [s.active for s in await subscribers.listing(OFFICER)] == [False]
    assert (await subscribers.add(OFFICER, NUMBER, "TT")).outcome is Subscription.ADDED
    assert len(await subscribers.addresses_of_unit("TT")) == 1


async def test_the_lookup_key_depends_on_the_secret_key():
    one, other = Anonymizer(KEY), Anonymizer(bytes(32))
    assert lookup_key(one, NUMBER) == lookup_key(one, parse_phone_number("+84901234567"))
    assert lookup_key(one, NUMBER) != lookup_key(other, NUMBER)


async def test_no_number_in_clear_in_the_database_or_the_logs(db, clock, tmp_path: Path,
                                                               caplog):
    caplog.set_level(logging.DEBUG)
    subscribers = await subscribers_for(db, clock)
    await subscribers.add(OFFICER, NUMBER, "TT")
    await subscribers.add(OFFICER, parse_phone_number("0321234567"), "TT-A1")
    await subscribers.listing(OFFICER)
    await subscribers.remove(OFFICER, parse_phone_number("0321234567"))
    async with db.reading() as conn:
        stored = [str(value) for table in (sms_subscribers, audit_log)
                  for row in await conn.execute(select(table)) for value in row]
    assert stored, "nothing was stored: the check below would prove nothing"
    for form in (*CLEAR_FORMS, "0321234567", "321234567"):
        assert not any(form in value for value in stored), form
        assert form not in caplog.text
    if db.dialect == "sqlite":
        # The database file and its write-ahead log, whichever holds the pages now.
        raw = await asyncio.to_thread(_bytes_of_files_under, tmp_path)
        assert b"sms_subscribers" in raw  # the database file was read
        for form in CLEAR_FORMS:
            assert form.encode() not in raw, form


def _bytes_of_files_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
