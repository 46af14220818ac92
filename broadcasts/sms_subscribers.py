"""SMS subscribers (SPEC §13): officers add and remove numbers for units in their scope, a
person texting ``HUY`` is always unsubscribed, and the delivery side asks for a unit's
subscribers as ``sms:<sealed>`` addresses.

A number is personal data. It is kept only sealed (``seal_address`` of ``sms:+84…``, AES-GCM
under the secret key, a fresh nonce each time) and found again by a keyed hash
(:func:`lookup_key`), so the database says nothing about who subscribed without the secret key;
officers only ever see it masked (``09xx xxx 567``). An unsubscribed number is deleted, not
kept. Nothing here logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.address import Address
from core.clock import Clock
from org.directory import Directory
from org.phone_numbers import PhoneNumber, phone_number_or_none
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit, scope_codes
from storage import sms_subscribers as store
from storage.audit import record_action
from storage.db import Database

SMS_CHANNEL = "sms"
# The keyed hash's purpose label: the same key signs button data, which never begins so.
_LOOKUP_PURPOSE = "sms-subscriber-number/"
LOOKUP_KEY_LENGTH = 43  # the unpadded base64 of a SHA-256 HMAC


class NumberKeys(Protocol):
    """What is needed of ``tips.anonymity.Anonymizer``: sealing and a keyed hash."""

    def seal_address(self, address: Address) -> str: ...

    def open_address(self, relay_link: str) -> Address | None: ...

    def sign(self, payload: str, length: int = ...) -> str: ...


def lookup_key(keys: NumberKeys, number: PhoneNumber) -> str:
    """The keyed hash a number is found by: the same number, the same key, always."""
    return keys.sign(_LOOKUP_PURPOSE + number.e164, LOOKUP_KEY_LENGTH)


class Subscription(StrEnum):
    ADDED = "added"
    MOVED = "moved"  # it received another unit's bulletins before
    ALREADY = "already"
    REMOVED = "removed"
    NOT_SUBSCRIBED = "not_subscribed"
    UNKNOWN_UNIT = "unknown_unit"
    OUT_OF_SCOPE = "out_of_scope"
    TAKEN = "taken"  # subscribed by a unit outside the officer's scope (which is not named)


@dataclass(frozen=True)
class SubscriptionResult:
    outcome: Subscription
    unit_code: str = ""
    previous_unit_code: str = ""


@dataclass(frozen=True)
class SubscriberView:
    """One subscriber as staff see it."""

    masked_number: str
    unit_code: str
    active: bool
    created_at: datetime


class SmsSubscribers:
    def __init__(self, db: Database, directory: Directory, keys: NumberKeys,
                 clock: Clock) -> None:
        self._db = db
        self._directory = directory
        self._keys = keys
        self._clock = clock

    async def add(self, member: StaffMember, number: PhoneNumber,
                  unit_code: str) -> SubscriptionResult:
        tree = self._directory.tree
        unit = tree.find(unit_code)
        if unit is None:
            return SubscriptionResult(Subscription.UNKNOWN_UNIT)
        if not may_act_on_unit(member, unit.code, tree, Role.OFFICER):
            return SubscriptionResult(Subscription.OUT_OF_SCOPE, unit.code)
        key, now = lookup_key(self._keys, number), self._clock.now()
        async with self._db.transaction() as conn:
            current = await store.find_subscriber(conn, key)
            if current is not None and current.unit_code == unit.code and current.active:
                return SubscriptionResult(Subscription.ALREADY, unit.code)
            if current is not None and current.unit_code != unit.code and not may_act_on_unit(
                    member, current.unit_code, tree, Role.OFFICER):
                # Taking a number away from another commune is that commune's decision; which
                # commune it is stays theirs too.
                return SubscriptionResult(Subscription.TAKEN)
            sealed = self._keys.seal_address(Address(SMS_CHANNEL, number.e164))
            await store.subscribe(conn, key, sealed, unit.code, now)
            await record_action(conn, at=now, actor=member.address, action="sms.subscribe",
                                subject=f"sms_subscriber:{key[:12]}", detail=unit.code)
        if current is not None and current.unit_code != unit.code:
            return SubscriptionResult(Subscription.MOVED, unit.code, current.unit_code)
        return SubscriptionResult(Subscription.ADDED, unit.code)

    async def remove(self, member: StaffMember, number: PhoneNumber) -> SubscriptionResult:
        """An officer removes a number of a unit in their scope (outside it: "not subscribed",
        which tells nothing about other communes' lists)."""
        key, now = lookup_key(self._keys, number), self._clock.now()
        async with self._db.transaction() as conn:
            current = await store.find_subscriber(conn, key)
            if current is None or not may_act_on_unit(member, current.unit_code,
                                                      self._directory.tree, Role.OFFICER):
                return SubscriptionResult(Subscription.NOT_SUBSCRIBED)
            await store.delete_subscriber(conn, key, now)
            await record_action(conn, at=now, actor=member.address, action="sms.unsubscribe",
                                subject=f"sms_subscriber:{key[:12]}", detail=current.unit_code)
        return SubscriptionResult(Subscription.REMOVED, current.unit_code)

    async def subscribe_sender(self, sender: Address, unit_code: str) -> SubscriptionResult:
        """``DK MÃ`` texted by the person: their own number, any unit they name (SPEC §13).
        ``sender`` is the ``sms:<sealed>`` address the webhook receiver gave."""
        number = self._number_of(sender)
        unit = self._directory.tree.find(unit_code)
        if number is None or unit is None:
            return SubscriptionResult(Subscription.UNKNOWN_UNIT)
        key, now = lookup_key(self._keys, number), self._clock.now()
        async with self._db.transaction() as conn:
            current = await store.find_subscriber(conn, key)
            if current is not None and current.unit_code == unit.code and current.active:
                return SubscriptionResult(Subscription.ALREADY, unit.code)
            sealed = self._keys.seal_address(Address(SMS_CHANNEL, number.e164))
            await store.subscribe(conn, key, sealed, unit.code, now)
            await record_action(conn, at=now, actor=None, action="sms.subscribe",
                                subject=f"sms_subscriber:{key[:12]}", detail=f"{unit.code} DK")
        if current is not None and current.unit_code != unit.code:
            return SubscriptionResult(Subscription.MOVED, unit.code, current.unit_code)
        return SubscriptionResult(Subscription.ADDED, unit.code)

    async def unsubscribe_sender(self, sender: Address) -> bool:
        """``HUY`` texted by the person: always honoured, whatever unit. ``sender`` is the
        ``sms:<sealed>`` address the webhook receiver gave."""
        number = self._number_of(sender)
        if number is None:
            return False
        key, now = lookup_key(self._keys, number), self._clock.now()
        async with self._db.transaction() as conn:
            removed = await store.delete_subscriber(conn, key, now)
            if removed:
                await record_action(conn, at=now, actor=None, action="sms.unsubscribe",
                                    subject=f"sms_subscriber:{key[:12]}", detail="HUY")
        return removed

    async def unit_of_sender(self, sender: Address) -> str | None:
        """The unit a texting person is subscribed to (``sms:<sealed>``), if any: a tip they
        text without naming a unit goes there."""
        number = self._number_of(sender)
        if number is None:
            return None
        async with self._db.reading() as conn:
            current = await store.find_subscriber(conn, lookup_key(self._keys, number))
        return current.unit_code if current is not None else None

    async def mark_unreachable(self, address: Address) -> bool:
        """The provider refused the number for good (``ChatUnavailable``): it stays listed,
        marked, and receives nothing until an officer or the person subscribes it again."""
        number = self._number_of(address)
        if number is None:
            return False
        async with self._db.transaction() as conn:
            return await store.mark_unreachable(conn, lookup_key(self._keys, number),
                                                self._clock.now())

    async def listing(self, member: StaffMember,
                      unit_code: str | None = None) -> list[SubscriberView] | None:
        """Subscribers in the member's scope, or one unit's subtree of it; None when that unit
        is unknown or outside the scope."""
        tree = self._directory.tree
        allowed = scope_codes(member, tree)
        if unit_code is not None:
            unit = tree.find(unit_code)
            if unit is None or unit.code not in allowed:
                return None
            allowed = tree.subtree_codes(unit.code)
        async with self._db.reading() as conn:
            records = await store.subscribers_of_units(conn, allowed)
        return [SubscriberView(self._masked(r.number_sealed), r.unit_code, r.active,
                               r.created_at) for r in records]

    async def addresses_of_unit(self, unit_code: str) -> list[Address]:
        """Where a unit's SMS copies go: its active subscribers as ``sms:<sealed>`` (for the
        delivery engine, once it sends through a channel router)."""
        async with self._db.reading() as conn:
            records = await store.subscribers_of_units(conn, [unit_code], active_only=True)
        return [Address(SMS_CHANNEL, r.number_sealed) for r in records]

    def _number_of(self, sealed_address: Address) -> PhoneNumber | None:
        opened = self._keys.open_address(sealed_address.id)
        return phone_number_or_none(opened.id) if opened is not None else None

    def _masked(self, sealed: str) -> str:
        number = self._number_of(Address(SMS_CHANNEL, sealed))
        return number.masked if number is not None else "??xx xxx ???"
