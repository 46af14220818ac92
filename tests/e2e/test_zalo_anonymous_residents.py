"""A resident who writes to the commune's OA without following it (Zalo's ``anonymous_send_*``
events, SPEC §3, §13), end to end: the same typed tip flow as a follower, every answer sent to
their conversation (``recipient.anonymous_id`` + ``conversation_id``), the officer's question
reaching them, and neither id in the database file or the log."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from emulators.zalo_oa.errors import INVALID_PARAMETER
from tests.e2e.test_zalo_residents import file_tip_on_zalo, harness_no_zalo_id, text_of
from tests.e2e.tip_steps import say
from tests.e2e.zalo_oa_harness import bot_with_zalo
from tests.e2e.zalo_steps import running_zalo


@pytest.fixture
async def harness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


async def test_a_person_who_does_not_follow_files_a_tip_and_is_asked_by_an_officer(harness):
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.anonymous_person("Người chưa quan tâm")
    code = await file_tip_on_zalo(harness, resident, "Có nhóm lạ cắt trộm dây điện ở ấp 2")
    # Every answer went to their conversation; nothing was tried as a follower's user_id.
    assert zalo.sent_to(resident.chat) and not zalo.sent_to(f"user:{resident.id}")
    assert all(call.body["recipient"] == {"anonymous_id": resident.id,
                                          "conversation_id": resident.conversation_id}
               for call in zalo.calls if call.to == resident.chat)
    await fake.wait_for_message(people.officer.id, lambda m: code in (m.get("text") or ""))
    # The officer's question reaches them through the outbox and the router.
    before = len(zalo.sent_to(resident.chat))
    answer = await say(fake, people.officer, f"/reply {code} Mấy giờ thì thấy?")
    assert code in answer["text"]
    sent = await zalo.wait_until_sent(resident.chat, before + 1)
    [question] = sent[before:]
    assert "Mấy giờ thì thấy?" in question.message["text"] and code in question.message["text"]
    # They answer and ask how the tip is going, as a follower would.
    assert code in text_of(await harness.writes(resident, f"/traloi {code} Khoảng 2 giờ sáng"))
    await fake.wait_for_message(people.officer.id,
                                lambda m: "2 giờ sáng" in (m.get("text") or ""))
    assert "2 giờ sáng" in text_of(await harness.writes(resident, f"/trangthai {code}"))
    await harness_no_zalo_id(harness, resident.id)
    await harness_no_zalo_id(harness, resident.conversation_id)


async def test_zalo_answers_an_anonymous_person_only_in_their_conversation():
    """The emulator holds the pair, so the test above could not pass with a wrong one: a
    conversation id that is not the person's is refused, and so is the anonymous id taken for a
    follower's user_id."""
    async with running_zalo() as zalo, httpx.AsyncClient() as http:
        person = zalo.anonymous_person("Người chưa quan tâm")
        person.last_message_at = zalo.now()
        token = zalo.tokens.issue_access_token(zalo.now(), 600)

        async def answer(recipient: dict[str, str]) -> dict:
            response = await http.post(f"{zalo.base_url}/v3.0/oa/message/cs",
                                       headers={"access_token": token},
                                       json={"recipient": recipient, "message": {"text": "Chào"}})
            return response.json()

        assert (await answer({"anonymous_id": person.id, "conversation_id": "0" * 20}))[
            "error"] == INVALID_PARAMETER
        assert (await answer({"user_id": person.id}))["error"] == INVALID_PARAMETER
        assert zalo.sent_to(person.chat) == []
        assert (await answer({"anonymous_id": person.id,
                              "conversation_id": person.conversation_id}))["error"] == 0
        [sent] = zalo.sent_to(person.chat)
        assert sent.message == {"text": "Chào"}


async def test_a_question_outside_the_window_waits_for_the_anonymous_persons_next_message(
        harness):
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.anonymous_person("Người chưa quan tâm")
    code = await file_tip_on_zalo(harness, resident, "Trộm chó ở xóm dưới")
    await fake.wait_for_message(people.officer.id, lambda m: code in (m.get("text") or ""))
    harness.advance(timedelta(days=8))  # past the 7 days the emulator allows
    before = len(zalo.sent_to(resident.chat))
    await say(fake, people.officer, f"/reply {code} Mấy con?")
    told = await fake.wait_for_message(
        people.officer.id, lambda m: "KHÔNG đến được" in (m.get("text") or ""))
    assert code in told["text"]
    assert len(zalo.sent_to(resident.chat)) == before
    # They write again: the sealed relay link opens to their address (same conversation), and
    # the question that waited goes to it.
    await harness.writes(resident, f"/trangthai {code}")
    sent = await zalo.wait_until_sent(resident.chat, before + 2)
    assert any("Mấy con?" in s.message.get("text", "") for s in sent[before:])
