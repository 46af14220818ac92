"""Zalo's webhook signature (SPEC §13): ``mac=sha256(app_id + raw body + timestamp + OA secret)``,
checked with a constant-time compare; and events parsed as plain data that never show who sent
them in a log line."""

from __future__ import annotations

import json

import pytest

from channels.zalo_oa import signature as signature_module
from channels.zalo_oa.addresses import anonymous_address, group_address, user_address
from channels.zalo_oa.inbound import EventKind, parse_event
from channels.zalo_oa.signature import expected_signature, signature_is_valid
from emulators.zalo_oa import zevent_signature

APP_ID, SECRET, STAMP = "1234567890987654321", "oa-secret-key", "1767225600000"
BODY = b'{"event_name":"user_send_text","timestamp":"1767225600000"}'


def valid(header, *, body=BODY, timestamp=STAMP, app_id=APP_ID, secret=SECRET) -> bool:
    return signature_is_valid(header, app_id=app_id, body=body, timestamp=timestamp,
                              oa_secret=secret)


def test_zalos_signature_is_accepted_and_agrees_with_the_emulators():
    header = zevent_signature(APP_ID, BODY, STAMP, SECRET)
    assert header == expected_signature(APP_ID, BODY, STAMP, SECRET)
    assert header.startswith("mac=") and len(header) == 4 + 64
    assert valid(header)


@pytest.mark.parametrize("tampered", ["body", "timestamp", "app_id", "secret"])
def test_a_signature_of_anything_else_is_refused(tampered):
    header = zevent_signature(APP_ID, BODY, STAMP, SECRET)
    changed = {"body": {"body": BODY.replace(b"text", b"image")},
               "timestamp": {"timestamp": "1767225600001"},
               "app_id": {"app_id": "1234567890987654320"},
               "secret": {"secret": "another-secret"}}[tampered]
    assert not valid(header, **changed)


@pytest.mark.parametrize("header", [None, "", "mac=", "0" * 64,
                                    "mac=" + "0" * 64, "sha256=" + "0" * 64])
def test_a_missing_or_malformed_signature_is_refused(header):
    assert not valid(header)


def test_the_signature_is_compared_in_constant_time(monkeypatch):
    compared = []

    def recording_compare(a, b):
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(signature_module.hmac, "compare_digest", recording_compare)
    header = zevent_signature(APP_ID, BODY, STAMP, SECRET)

    assert valid(header)
    assert not valid("mac=" + "f" * 64)
    assert compared == [(header.encode(), header.encode()),
                        (("mac=" + "f" * 64).encode(), header.encode())]


def event(**fields) -> dict:
    return {"app_id": APP_ID, "timestamp": STAMP, **fields}


def test_a_text_from_a_person_is_a_text_event_from_their_address():
    parsed = parse_event(event(event_name="user_send_text", sender={"id": "3001"},
                               recipient={"id": "579"},
                               message={"msg_id": "ab12", "text": "báo tin"}))

    assert parsed is not None
    assert (parsed.kind, parsed.sender, parsed.text, parsed.group, parsed.message_id) == (
        EventKind.TEXT, user_address("3001"), "báo tin", None, "ab12")
    assert not parsed.anonymous


def test_an_anonymous_text_runs_as_a_text_and_says_so():
    parsed = parse_event(event(event_name="anonymous_send_text", sender={"id": "anon-7"},
                               message={"msg_id": "1", "text": "/baomat",
                                        "conversation_id": "c0nv-9"}))
    assert parsed is not None and parsed.kind is EventKind.TEXT and parsed.anonymous
    # The address carries both ids Zalo needs to answer the person.
    assert parsed.sender == anonymous_address("anon-7", "c0nv-9")
    assert str(parsed.sender) == "zalo_oa:anon:anon-7:c0nv-9"
    assert "anon-7" not in repr(parsed) and "c0nv-9" not in repr(parsed)


def test_an_anonymous_event_without_a_conversation_names_no_one_to_answer():
    assert parse_event(event(event_name="anonymous_send_text", sender={"id": "anon-7"},
                             message={"msg_id": "1", "text": "/baomat"})) is None
    # Nor is it ever taken for a follower's chat with the same id.
    assert parse_event(event(event_name="anonymous_send_text", sender={"id": "anon-7"},
                             message={"msg_id": "1", "text": "x",
                                      "conversation_id": "a:b"})) is None


def test_a_group_text_names_the_group():
    parsed = parse_event(event(event_name="user_send_group_text", sender={"id": "3001"},
                               recipient={"id": "f414c8f76fa586fbdfb4"},
                               message={"msg_id": "9", "text": "/dangky TT"}))
    assert parsed is not None
    assert (parsed.kind, parsed.group) == (EventKind.TEXT,
                                           group_address("f414c8f76fa586fbdfb4"))


def test_attachments_and_places_are_kept():
    parsed = parse_event(event(event_name="user_send_location", sender={"id": "3001"},
                               message={"msg_id": "5", "attachments": [
                                   {"type": "location", "payload": {"coordinates": {
                                       "latitude": "10.4603", "longitude": "105.6329"}}}]}))
    assert parsed is not None and parsed.kind is EventKind.LOCATION
    [place] = parsed.attachments
    assert (place.latitude, place.longitude) == (10.4603, 105.6329)


def test_a_follow_names_the_follower_and_an_event_without_a_person_is_none():
    parsed = parse_event(event(event_name="follow", follower={"id": "3002"}))
    assert parsed is not None and parsed.sender == user_address("3002")
    assert parsed.kind is EventKind.FOLLOW
    assert parse_event(event(event_name="user_send_text", message={"text": "x"})) is None


def test_an_events_repr_shows_neither_the_sender_nor_the_words():
    parsed = parse_event(event(event_name="user_send_text", sender={"id": "30017777"},
                               message={"msg_id": "ab12", "text": "nhà số 5 buôn ma túy"}))
    shown = repr(parsed) + json.dumps(str(parsed))
    assert "30017777" not in shown and "ma túy" not in shown
    assert "user_send_text" in shown
