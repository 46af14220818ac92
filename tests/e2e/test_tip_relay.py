"""The relay between officers and an anonymous tipster, end to end (SPEC §12): a question is
never reported sent when it was not, arrives whole, relays nothing once the follow-up window is
over (right after a restart too), follow-ups are limited per pseudonym, tips are need-to-know,
and a tipster's words reach officers without invisible or reordering characters."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat
from storage.tips_tables import outbox
from tests.e2e.tip_steps import file_guided_tip, next_reply, say

BLOCKED_REASON = "chặn bot"
EXPIRED_REASON = "hết thời hạn hỏi lại"
NOT_DELIVERED = "KHÔNG đến được người báo tin"
NEEDS_OFFICER = "chỉ dành cho cán bộ công an"


def texts_of(fake, chat_id: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in fake.sent_messages(chat_id)]


async def filed_and_seen(harness, user=None) -> str:
    """A tip filed by ``user`` (the resident), once its notice reached the officer."""
    fake = harness.fake
    code = await file_guided_tip(fake, user or harness.people.resident)
    await fake.wait_for_message(harness.people.officer.id,
                                lambda m: code in (m.get("text") or ""))
    return code


async def status_of(harness, user, code: str) -> str:
    """Every message of the answer to ``/status CODE`` (a long thread comes in parts)."""
    fake = harness.fake
    before = len(fake.sent_messages(user.id))
    fake.send_message(user, f"/status {code}")
    await next_reply(fake, user.id, before)
    await harness.settle()
    return "\n".join(texts_of(fake, user.id)[before:])


async def notices_to(harness, chat_id: int, words: str) -> list[str]:
    async with harness.bot.services.db.reading() as conn:
        payloads = (await conn.execute(select(outbox.c.payload)
                                       .where(outbox.c.address == address_of_chat(chat_id)))
                    ).scalars().all()
    return [p for p in payloads if words in p]


async def test_a_question_of_4000_characters_arrives_whole_in_order_naming_the_code(harness):
    fake, people = harness.fake, harness.people
    code = await filed_and_seen(harness)
    words = [f"ý{n:04d}" for n in range(666)]
    question = " ".join(words)
    assert 3900 < len(question) < 4096 - len(f"/reply {code} ")
    answer = await say(fake, people.officer, f"/reply {code} {question}")
    assert code in answer["text"] and "Đã gửi" not in answer["text"]  # on its way, not "sent"
    last = await fake.wait_for_message(people.resident.id,
                                       lambda m: f"{code} (2/2)" in m.get("text", ""))
    parts = [t for t in texts_of(fake, people.resident.id) if f"{code} (" in t]
    assert [p.split("\n", 1)[0] for p in parts] == [f"{code} (1/2)", f"{code} (2/2)"]
    assert parts[-1] == last["text"] and all(len(p) <= 4096 for p in parts)
    received = " ".join(p.split("\n", 1)[1] for p in parts).split()
    assert [w for w in received if w.startswith("ý")] == words  # every word, in order
    refused = [c for c in fake.calls_to("sendMessage") if c.status == 400]
    assert refused == []
    # Answering the last part is answering the question.
    before = len(fake.sent_messages(people.resident.id))
    fake.send_message(people.resident, "Xe màu đỏ", reply_to=last)
    assert code in (await next_reply(fake, people.resident.id, before))["text"]
    status = await status_of(harness, people.officer, code)
    assert "ý0665" in status and NOT_DELIVERED not in status and "đang gửi" not in status


async def test_a_long_follow_up_reaches_officers_whole(harness):
    fake, people = harness.fake, harness.people
    code = await filed_and_seen(harness)
    words = [f"w{n:04d}" for n in range(800)]
    answer = await say(fake, people.resident, f"/reply {code} " + " ".join(words)[:4070])
    assert code in answer["text"]
    await fake.wait_for_message(people.officer.id, lambda m: f"{code} (2/2)" in m.get("text", ""))
    parts = [t for t in texts_of(fake, people.officer.id) if t.startswith(f"{code} (")]
    received = " ".join(p.split("\n", 1)[1] for p in parts).split()
    sent = (" ".join(words)[:4070]).split()
    assert [w for w in received if w.startswith("w")] == sent


async def test_a_tipster_who_blocked_the_bot_is_reported_to_the_officer_and_in_status(harness):
    fake, people = harness.fake, harness.people
    code = await filed_and_seen(harness)
    fake.block_bot(people.resident)
    await say(fake, people.officer, f"/assess {code} valuable")  # "being checked" will fail
    answer = await say(fake, people.officer, f"/reply {code} Xe màu gì?")
    assert "Đã gửi" not in answer["text"]
    told = await fake.wait_for_message(
        people.officer.id, lambda m: NOT_DELIVERED in m.get("text", ""))
    assert code in told["text"] and BLOCKED_REASON in told["text"]
    forbidden = [c for c in fake.calls_to("sendMessage")
                 if c.params.get("chat_id") == people.resident.id and c.status == 403]
    assert len(forbidden) == 2  # the state message, then the question: both really refused
    status = await status_of(harness, people.officer, code)
    question_line = next(line for line in status.splitlines() if "Xe màu gì?" in line)
    assert NOT_DELIVERED in question_line and BLOCKED_REASON in question_line
    assert any("xác minh" in line and NOT_DELIVERED in line for line in status.splitlines())
    assert people.resident.id not in [m["chat"]["id"] for m in fake.sent_messages()
                                      if "Xe màu gì?" in m.get("text", "")]
    # The tipster comes back: their status shows no question that never reached them.
    fake.unblock_bot(people.resident)
    tipster_view = (await say(fake, people.resident, f"/status {code}"))["text"]
    assert "Xe màu gì?" not in tipster_view


async def test_a_question_queued_before_expiry_and_due_after_a_restart_relays_nothing(harness):
    fake, people, clock = harness.fake, harness.people, harness.clock
    code = await filed_and_seen(harness)
    await say(fake, people.officer, f"/close {code}")
    await fake.wait_for_message(people.resident.id, lambda m: "xử lý xong" in m.get("text", ""))
    await harness.bot.notifier.stop()  # the bot goes down with the question still queued
    await say(fake, people.officer, f"/reply {code} Còn nhớ biển số không?")
    clock.advance(timedelta(days=30, minutes=1))
    await harness.restart()
    told = await fake.wait_for_message(people.officer.id,
                                       lambda m: NOT_DELIVERED in m.get("text", ""))
    assert code in told["text"] and EXPIRED_REASON in told["text"]
    again = await say(fake, people.officer, f"/reply {code} Còn đó không?")
    assert "KHÔNG được gửi" in again["text"] and code in again["text"]
    status = await status_of(harness, people.officer, code)
    assert sum(NOT_DELIVERED in line and EXPIRED_REASON in line
               for line in status.splitlines()) == 2
    await harness.settle()
    assert not any("biển số" in t or "Còn đó" in t for t in texts_of(fake, people.resident.id))
    async with harness.bot.services.db.reading() as conn:
        links = (await conn.execute(select(outbox.c.relay_link)
                                    .where(outbox.c.relay_link.is_not(None)))).all()
    assert links == []


async def test_expiry_holds_before_any_purge_has_run(harness):
    """No restart and no purge: the question's own check and the outbox's check refuse."""
    fake, people, clock = harness.fake, harness.people, harness.clock
    code = await filed_and_seen(harness)
    await say(fake, people.officer, f"/close {code}")
    await fake.wait_for_message(people.resident.id, lambda m: "xử lý xong" in m.get("text", ""))
    await harness.bot.notifier.stop()
    await say(fake, people.officer, f"/reply {code} Câu hỏi trước hạn")
    clock.advance(timedelta(days=30, seconds=1))
    gone = await say(fake, people.officer, f"/reply {code} Câu hỏi sau hạn")
    assert "KHÔNG được gửi" in gone["text"]
    await harness.bot.notifier.start()  # the hourly purge has not run: the worker checks
    told = await fake.wait_for_message(people.officer.id,
                                       lambda m: NOT_DELIVERED in m.get("text", ""))
    assert EXPIRED_REASON in told["text"]
    await harness.settle()
    assert not any("Câu hỏi" in t for t in texts_of(fake, people.resident.id))


async def test_the_eleventh_follow_up_in_an_hour_is_refused_politely(harness):
    fake, people, clock = harness.fake, harness.people, harness.clock
    code = await filed_and_seen(harness)
    await say(fake, people.officer, f"/reply {code} Mấy người?")
    question = await fake.wait_for_message(people.resident.id,
                                           lambda m: "Mấy người?" in m.get("text", ""))
    for n in range(10):
        if n % 2:
            answer = await say(fake, people.resident, f"/reply {code} bổ sung số {n}")
        else:
            before = len(fake.sent_messages(people.resident.id))
            fake.send_message(people.resident, f"trả lời số {n}", reply_to=question)
            answer = await next_reply(fake, people.resident.id, before)
        assert "Đã chuyển" in answer["text"]
    before = len(fake.sent_messages(people.resident.id))
    fake.send_message(people.resident, "trả lời số 10", reply_to=question)
    refused = (await next_reply(fake, people.resident.id, before))["text"]
    assert "05/03/2026 09:00" in refused and "113" in refused  # an hour after the first
    assert "Đã chuyển" not in (await say(fake, people.resident, f"/reply {code} số 11"))["text"]
    for officer in (people.officer, people.admin):
        assert len(await notices_to(harness, officer.id, "triage.tipster_added")) == 10
    clock.advance(timedelta(hours=1))
    assert "Đã chuyển" in (await say(fake, people.resident, f"/reply {code} số 12"))["text"]


async def test_an_editor_is_refused_status_and_reply_naming_the_role(harness):
    fake, people = harness.fake, harness.people
    code = await filed_and_seen(harness)  # a resident's tip in the editor's own unit
    answers = [(await say(fake, people.editor, command))["text"] for command in (
        f"/status {code}", "/status TIP-ZZZZZZ", "/status nonsense",
        f"/reply {code} cho xem với", "/reply TIP-ZZZZZZ cho xem với")]
    assert len(set(answers)) == 1 and NEEDS_OFFICER in answers[0]
    assert code not in answers[0] and "ma túy" not in answers[0]
    assert await notices_to(harness, people.officer.id, "cho xem với") == []
    # An editor who filed a tip themselves is its tipster, like anyone.
    own = await filed_and_seen(harness, people.editor)
    mine = (await say(fake, people.editor, f"/status {own}"))["text"]
    assert own in mine and "Tình trạng" in mine and "Đánh giá" not in mine
    await say(fake, people.officer, f"/reply {own} Ở hẻm nào?")
    question = await fake.wait_for_message(people.editor.id,
                                           lambda m: "Ở hẻm nào?" in m.get("text", ""))
    before = len(fake.sent_messages(people.editor.id))
    fake.send_message(people.editor, "Hẻm 5", reply_to=question)
    assert "Đã chuyển" in (await next_reply(fake, people.editor.id, before))["text"]


async def test_a_follow_up_or_question_with_nothing_visible_is_not_relayed(harness):
    fake, people = harness.fake, harness.people
    code = await filed_and_seen(harness)
    await say(fake, people.officer, f"/reply {code} Xe màu gì?")
    question = await fake.wait_for_message(people.resident.id,
                                           lambda m: "Xe màu gì?" in m.get("text", ""))
    async with harness.bot.services.db.reading() as conn:
        queued = len((await conn.execute(select(outbox.c.id))).all())
    assert "Cách dùng" in (await say(fake, people.resident, f"/reply {code} \u200b"))["text"]
    before = len(fake.sent_messages(people.resident.id))
    fake.send_message(people.resident, "\u200b\u2060\u00ad", reply_to=question)
    assert "Cách dùng" in (await next_reply(fake, people.resident.id, before))["text"]
    assert "Cách dùng" in (await say(fake, people.officer, f"/reply {code} \u200b\u200d"))["text"]
    async with harness.bot.services.db.reading() as conn:
        assert len((await conn.execute(select(outbox.c.id))).all()) == queued
    status = await status_of(harness, people.officer, code)
    assert "người báo tin:" not in status  # no blank follow-up in the thread


async def test_bidi_and_control_characters_are_neutralised_in_the_officers_copies(harness):
    fake, people = harness.fake, harness.people
    code = await filed_and_seen(harness)
    reordered = "biển số \u202e9A66\u202c, \u2066xe\u2069 đỏ\x07"
    await say(fake, people.resident, f"/reply {code} {reordered}")
    notice = await fake.wait_for_message(people.officer.id,
                                         lambda m: "bổ sung" in m.get("text", ""))
    assert "biển số 9A66, xe đỏ" in notice["text"]
    status = await status_of(harness, people.officer, code)
    assert "biển số 9A66, xe đỏ" in status
    for text in (notice["text"], status):
        assert not any(ch in text for ch in "\u202e\u202c\u2066\u2069\x07")
