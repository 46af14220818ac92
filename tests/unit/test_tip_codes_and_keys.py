"""Codes, pseudonyms, relay links, signed buttons and the secret key (SPEC §3, §12)."""

from __future__ import annotations

import os
import stat

import pytest

from bot.secret_key import SecretKeyError, load_secret_key
from channels.telegram_addresses import address_of_chat, chat_id_of
from tips.anonymity import Anonymizer
from tips.codes import ALPHABET, parse_code
from tips.codes import new_code as make_code
from tips.notices import parse_triage_callback, triage_callback

KEY = b"0123456789abcdef0123456789abcdef"


def test_codes_are_six_crockford_characters_and_vary():
    codes = {make_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(c.startswith("TIP-") and len(c) == 10 and set(c[4:]) <= set(ALPHABET)
               for c in codes)


@pytest.mark.parametrize(("typed", "canonical"), [
    ("TIP-7K3M9Q", "TIP-7K3M9Q"), ("tip-7k3m9q", "TIP-7K3M9Q"), ("7k3m9q", "TIP-7K3M9Q"),
    ("TIP7K3M9Q", "TIP-7K3M9Q"), ("tip-iloooo", "TIP-110000"), (" TIP-7K3M 9Q ", "TIP-7K3M9Q"),
])
def test_code_input_follows_crockford_reading_rules(typed, canonical):
    assert parse_code(typed) == canonical


@pytest.mark.parametrize("typed", ["", "TIP-", "TIP-7K3M9", "TIP-7K3M9QQ", "TIP-7K3M9U",
                                   "x" * 4096, "TIP-7K3M9Q; DROP TABLE tips"])
def test_malformed_codes_are_rejected(typed):
    assert parse_code(typed) is None


def test_pseudonyms_are_keyed_and_stable():
    one, other = Anonymizer(KEY), Anonymizer(b"z" * 32)
    assert one.pseudonym_for(123456789) == one.pseudonym_for(123456789)
    assert one.pseudonym_for(123456789) != one.pseudonym_for(123456780)
    assert one.pseudonym_for(123456789) != other.pseudonym_for(123456789)
    assert "123456789" not in one.pseudonym_for(123456789)


def test_relay_links_hide_the_chat_and_only_open_with_the_key():
    anonymizer = Anonymizer(KEY)
    chat = address_of_chat(5123456789)
    first, second = anonymizer.seal_address(chat), anonymizer.seal_address(chat)
    assert first != second  # a fresh nonce each time: equal chats are not linkable
    assert chat_id_of(anonymizer.open_address(first)) == 5123456789
    assert Anonymizer(b"z" * 32).open_address(first) is None
    assert anonymizer.open_address(first[:-4] + "AAAA") is None
    assert anonymizer.open_address("not base64 at all!") is None


def test_button_data_is_signed():
    anonymizer = Anonymizer(KEY)
    data = triage_callback(anonymizer, "v", 42)
    assert len(data.encode()) <= 64
    assert parse_triage_callback(anonymizer, data) == ("v", 42)
    assert parse_triage_callback(anonymizer, data.replace(":42:", ":43:")) is None
    assert parse_triage_callback(Anonymizer(b"z" * 32), data) is None
    assert parse_triage_callback(anonymizer, "tt:x:42:abc") is None


def test_short_keys_are_refused():
    with pytest.raises(ValueError):
        Anonymizer(b"short")


def test_key_from_the_environment(tmp_path):
    key = load_secret_key("K", {"K": "k" * 40}, tmp_path, tips_exist=True)
    assert key == b"k" * 40
    assert not (tmp_path / "secret.key").exists()
    with pytest.raises(SecretKeyError) as caught:
        load_secret_key("K", {"K": "short"}, tmp_path, tips_exist=False)
    assert caught.value.message_key == "secret.too_short"


def test_key_file_is_created_once_with_mode_0600(tmp_path):
    first = load_secret_key("K", {}, tmp_path / "data", tips_exist=False)
    path = tmp_path / "data" / "secret.key"
    assert len(first) == 32 and path.read_bytes() == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret_key("K", {}, tmp_path / "data", tips_exist=True) == first


def test_start_is_refused_when_the_key_file_vanished_while_tips_exist(tmp_path):
    load_secret_key("K", {}, tmp_path, tips_exist=False)
    (tmp_path / "secret.key").unlink()
    with pytest.raises(SecretKeyError) as caught:
        load_secret_key("K", {}, tmp_path, tips_exist=True)
    assert caught.value.message_key == "secret.file_missing"
    assert not (tmp_path / "secret.key").exists()


def test_acknowledgements_cannot_be_joined_to_tips():
    anonymizer = Anonymizer(KEY)
    tip_sender = anonymizer.pseudonym_for(5123456789)
    first = anonymizer.acknowledger_for(5123456789, 1)
    assert first != tip_sender
    assert first != anonymizer.acknowledger_for(5123456789, 2)
    assert first == anonymizer.acknowledger_for(5123456789, 1)  # one press per person counts


def test_a_signature_of_the_wrong_length_never_verifies():
    anonymizer = Anonymizer(KEY)
    tag = anonymizer.sign("tt:v:1")
    assert anonymizer.verify("tt:v:1", tag)
    assert not anonymizer.verify("tt:v:1", tag[:1])
    assert not anonymizer.verify("tt:v:1", "")
