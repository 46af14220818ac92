"""Addresses ``<channel>:<id>`` (SPEC §13) and the sealed form of a tipster's address."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from channels.telegram_addresses import address_of_chat, chat_id_of
from core.address import Address, AddressError
from tips.anonymity import Anonymizer, _derive

KEY = b"s" * 32


def test_an_address_is_its_channel_and_id_joined_by_a_colon():
    group = Address("telegram", "-1001234")
    assert str(group) == "telegram:-1001234"
    assert Address.parse("telegram:-1001234") == group
    assert Address.parse(str(group)) == group


def test_an_id_may_itself_hold_colons():
    zalo_group = Address.parse("zalo_oa:group:5f3a9c")
    assert zalo_group.channel == "zalo_oa"
    assert zalo_group.id == "group:5f3a9c"
    assert str(zalo_group) == "zalo_oa:group:5f3a9c"


@pytest.mark.parametrize("text", ["", "telegram", "telegram:", ":42", "Telegram:42",
                                  "tele gram:42", "telegram:4 2", "telegram:4\n2",
                                  "telegram:" + "9" * 201, "1sms:42"])
def test_what_is_not_an_address_is_refused(text):
    with pytest.raises(AddressError):
        Address.parse(text)


def test_addresses_are_values():
    assert Address("telegram", "42") == Address.parse("telegram:42")
    assert len({Address("telegram", "42"), Address.parse("telegram:42")}) == 1
    with pytest.raises(AttributeError):
        Address("telegram", "42").id = "43"  # type: ignore[misc]


def test_integer_ids_sort_as_numbers_as_telegram_ids_did():
    people = [Address("telegram", "10"), Address("telegram", "9"), Address("telegram", "-5")]
    assert sorted(people, key=Address.sort_key) == [
        Address("telegram", "-5"), Address("telegram", "9"), Address("telegram", "10")]


def test_telegram_chat_ids_and_addresses_turn_into_each_other():
    assert address_of_chat(-1001234) == Address("telegram", "-1001234")
    assert chat_id_of(address_of_chat(5123456789)) == 5123456789
    with pytest.raises(AddressError):
        chat_id_of(Address("zalo_oa", "group:5f3a9c"))


def test_a_sealed_address_hides_the_whole_address():
    anonymizer = Anonymizer(KEY)
    address = Address("zalo_bot", "7c1f00")
    first, second = anonymizer.seal_address(address), anonymizer.seal_address(address)
    assert first != second
    for sealed in (first, base64.urlsafe_b64decode(first)):
        text = sealed if isinstance(sealed, str) else sealed.decode("latin-1")
        assert "zalo" not in text and "7c1f00" not in text
    assert anonymizer.open_address(first) == address
    assert Anonymizer(b"z" * 32).open_address(first) is None


def test_a_link_sealed_before_addresses_still_opens_as_a_telegram_address():
    # How relay links were sealed before migration 0010: the bare chat id.
    nonce = os.urandom(12)
    old = base64.urlsafe_b64encode(
        nonce + AESGCM(_derive(KEY, b"relay")).encrypt(nonce, b"5123456789", b"relay")).decode()
    assert Anonymizer(KEY).open_address(old) == Address("telegram", "5123456789")
