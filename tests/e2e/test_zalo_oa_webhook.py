"""Zalo OA events reaching the bot over its webhook (SPEC §13), posted by the emulator as Zalo
posts them: a signed event is handed to the core as plain data; a bad or missing signature or a
stale timestamp is refused with 403 and changes nothing; a replayed event is ignored; an event
whose handling failed is handled when Zalo retries it; nobody's id or words reach the log."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from channels.zalo_oa.addresses import group_address, user_address
from channels.zalo_oa.inbound import EventKind
from channels.zalo_oa.signature import SIGNATURE_HEADER
from emulators.zalo_oa import FakeZaloOA
from storage.schema import zalo_seen_events

from .log_watch import product_logs
from .zalo_steps import Received, running_zalo, zalo_webhook

HOUR_MS = 3600 * 1000


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloOA]:
    async with running_zalo() as zalo:
        yield zalo


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
async def webhook(db, zalo, received):
    async with zalo_webhook(db, zalo, received) as webhook:
        yield webhook


async def seen_count(db) -> int:
    async with db.reading() as conn:
        return (await conn.execute(select(func.count()).select_from(zalo_seen_events))).scalar()


async def test_a_signed_text_reaches_the_core_as_plain_data(zalo, webhook, received):
    person = zalo.user("Lê Văn Dân")

    answer = await zalo.user_sends_text(person, "báo tin")

    assert answer is not None and answer.status_code == 200
    [event] = received.events
    assert (event.kind, event.sender, event.text, event.group) == (
        EventKind.TEXT, user_address(person.id), "báo tin", None)


async def test_images_places_and_group_texts_arrive_as_such(zalo, webhook, received):
    person, group = zalo.user("Lê Văn Dân"), zalo.group("Tổ tự quản Ấp 1")

    await zalo.user_sends_image(person, "ảnh xe")
    await zalo.user_sends_location(person, 10.4603, 105.6329)
    await zalo.user_sends_group_text(person, group, "/dangky TT")

    image, place, in_group = received.events
    assert image.kind is EventKind.IMAGE and image.attachments[0].url.startswith("http")
    assert (place.attachments[0].latitude, place.attachments[0].longitude) == (10.4603, 105.6329)
    assert (in_group.group, in_group.text) == (group_address(group.id), "/dangky TT")


@pytest.mark.parametrize("forgery", ["wrong_secret", "tampered_body", "missing", "other_app"])
async def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(
    db, zalo, webhook, received, forgery,
):
    person = zalo.user("Lê Văn Dân")
    body, headers = zalo.signed_event("user_send_text", person.id, zalo.oa_id,
                                      {"text": "báo tin"})
    if forgery == "wrong_secret":
        zalo.oa_secret, real = "guessed-secret", zalo.oa_secret
        body, headers = zalo.signed_event("user_send_text", person.id, zalo.oa_id,
                                          {"text": "báo tin"})
        zalo.oa_secret = real
    elif forgery == "tampered_body":
        body = body.replace("báo tin".encode(), b"/huy")
    elif forgery == "missing":
        del headers[SIGNATURE_HEADER]
    else:
        zalo.app_id, real = "1111111111111111111", zalo.app_id
        body, headers = zalo.signed_event("user_send_text", person.id, zalo.oa_id,
                                          {"text": "báo tin"})
        zalo.app_id = real

    answer = await zalo.post_event((body, headers))

    assert answer is not None and answer.status_code == 403
    assert received.events == []
    assert await seen_count(db) == 0


@pytest.mark.parametrize("hours", [-3, 1])
async def test_a_stale_or_future_event_is_refused_even_when_signed(
    db, zalo, webhook, received, hours,
):
    person = zalo.user("Lê Văn Dân")
    stamp = int(zalo.now() * 1000) + hours * HOUR_MS

    answer = await zalo.post_event(zalo.signed_event(
        "user_send_text", person.id, zalo.oa_id, {"text": "báo tin"}, timestamp_ms=stamp))

    assert answer is not None and answer.status_code == 403
    assert received.events == []
    assert await seen_count(db) == 0


async def test_an_event_retried_by_zalo_within_the_hour_is_accepted(zalo, webhook, received):
    person = zalo.user("Lê Văn Dân")
    stamp = int(zalo.now() * 1000) - HOUR_MS  # Zalo's last retry comes an hour after the rest

    answer = await zalo.post_event(zalo.signed_event(
        "user_send_text", person.id, zalo.oa_id, {"text": "báo tin"}, timestamp_ms=stamp))

    assert answer is not None and answer.status_code == 200
    assert len(received.events) == 1


async def test_a_replayed_event_is_ignored(db, zalo, webhook, received):
    person = zalo.user("Lê Văn Dân")
    event = zalo.signed_event("user_send_text", person.id, zalo.oa_id, {"text": "/huy"},
                              msg_id="5f3a0c9e1b2d4e6f7a8b")

    first, replay = await zalo.post_event(event), await zalo.post_event(event)

    assert (first.status_code, replay.status_code) == (200, 200)
    assert len(received.events) == 1
    # The same message id from someone else, or another event of the same message, is new.
    other = zalo.user("Phạm Thị Khác")
    await zalo.post_event(zalo.signed_event("user_send_text", other.id, zalo.oa_id,
                                            {"text": "/huy"}, msg_id="5f3a0c9e1b2d4e6f7a8b"))
    assert len(received.events) == 2
    assert await seen_count(db) == 2


async def test_an_event_whose_handling_failed_is_handled_when_zalo_retries_it(
    zalo, webhook, received,
):
    person = zalo.user("Lê Văn Dân")
    event = zalo.signed_event("user_send_text", person.id, zalo.oa_id, {"text": "báo tin"})
    received.fail_next = True

    failed = await zalo.post_event(event)
    retried = await zalo.post_event(event)

    assert (failed.status_code, retried.status_code) == (500, 200)
    assert len(received.events) == 1


async def test_what_is_not_an_event_is_refused(zalo, webhook, received):
    async with httpx.AsyncClient() as client:
        answers = [await client.post(webhook.url, content=body) for body in (
            b"not json", json.dumps({"event_name": "user_send_text"}).encode(), b"[]")]
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert received.events == []


async def test_nobodys_id_or_words_reach_the_products_log(db, zalo, received):
    person = zalo.user("Lê Văn Dân")
    async with (product_logs(zalo.app_secret, zalo.oa_secret) as logs,
                zalo_webhook(db, zalo, received)):
        await zalo.user_sends_text(person, "nhà số 5 buôn ma túy")
        event = zalo.signed_event("user_send_text", person.id, zalo.oa_id,
                                  {"text": "nhà số 5 buôn ma túy"})
        await zalo.post_event(event)
        await zalo.post_event(event)  # replayed
        forged = (event[0], {**event[1], SIGNATURE_HEADER: "mac=" + "0" * 64})
        await zalo.post_event(forged)
        received.fail_next = True
        await zalo.post_event(zalo.signed_event("user_send_text", person.id, zalo.oa_id,
                                                {"text": "nhà số 5 buôn ma túy"}))
    written = logs.getvalue()
    assert "replayed" in written and "signature" in written and "failed" in written
    assert person.id not in written and "ma túy" not in written and "Lê Văn Dân" not in written


async def test_the_files_an_event_links_to_can_be_downloaded_once_posted(zalo, webhook,
                                                                        received):
    """What a media reader will meet: each attachment's URL serves the person's bytes with no
    access token (Zalo's CDN links), and an unknown one is a 404."""
    person = zalo.user("Lê Văn Tệp")
    await zalo.user_sends_file(person, b"%PDF-1.4 bien ban", "biên bản.pdf", "application/pdf")
    await zalo.user_sends_audio(person, b"#!AMR\n voice")
    await zalo.user_sends_image(person, "ảnh", data=b"\xff\xd8\xff\xe0 photo \xff\xd9")
    document, voice, photo = received.events
    assert (document.kind, voice.kind, photo.kind) == (EventKind.FILE, EventKind.AUDIO,
                                                       EventKind.IMAGE)
    assert document.attachments[0].name == "biên bản.pdf"
    async with httpx.AsyncClient() as http:
        for event, data in ((document, b"%PDF-1.4 bien ban"), (voice, b"#!AMR\n voice"),
                            (photo, b"\xff\xd8\xff\xe0 photo \xff\xd9")):
            response = await http.get(event.attachments[0].url)
            assert (response.status_code, response.content) == (200, data)
        assert (await http.get(f"{zalo.base_url}/media/unknown.jpg")).status_code == 404
