"""The SMS cost asked before an alert or a bulletin sent now goes to SMS subscribers (SPEC §13),
end to end over the Telegram and SMS Gateway for Android emulators: the officer sees how many
SMS, how many parts each, about what they cost and what is left of the month's budget, and
confirms (each phone gets it once) or cancels (nobody gets anything). Without subscribers in
scope nothing is asked."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.bulletin_steps import compose_and_choose, delivery_statuses, group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.sms.conftest import NUMBER, answer_to, press_and_wait_for_edit
from tests.e2e.test_groups_and_staff import reply_to

SECOND = "+84912345678"
SUMMARY = "Kết quả gửi"


async def _two_subscribers(chat) -> None:
    for number in ("0901234567", "0912 345 678"):
        added = await reply_to(chat.fake, chat.people.officer,
                               f"/sms add {number} TT-TANTHANH")
        assert "xx" in added, added


def _summaries(chat) -> int:
    return sum(1 for m in chat.fake.sent_messages(chat.people.officer.id)
               if SUMMARY in m.get("text", ""))


async def _confirm_an_old_question(chat, question) -> None:
    """Confirm pressed under an alert question no longer open: the press is told it is old
    (``đã cũ``), and the engine is let finish whatever it might have been given."""
    chat.fake.press_button(chat.people.officer, question, "al:ok")
    await chat.fake.wait_for_call("answerCallbackQuery",
                                  lambda call: "đã cũ" in str(call.params.get("text")))
    await chat.bot.services.bulletins.engine.idle.wait()


async def _nothing_went_out(sms_harness, group_id: int) -> None:
    """No copy to the group, no request to the SMS gateway, no delivery row at all."""
    chat = sms_harness.chat
    assert group_copies(chat.fake, group_id) == 0
    assert sms_harness.gateway.post_attempts == 0
    assert await delivery_statuses(chat.bot.services.db) == []


async def test_the_alert_waits_for_the_cost_to_be_confirmed_then_each_phone_gets_it_once(
        sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    groups = await link(chat.fake, services.db, "TT-TANTHANH", 1, chat.clock)
    await _two_subscribers(chat)
    question = await answer_to(chat.fake, chat.people.officer, "/khancap Lũ lớn, di dời ngay")
    assert ("Sẽ gửi 2 tin SMS (1 đoạn mỗi tin), khoảng 1.000 đồng; "
            "còn 2.000.000 đồng ngân sách tháng này.") in question["text"]
    assert "Lũ lớn, di dời ngay" in question["text"]
    buttons = [b["callback_data"] for b in question["reply_markup"]["inline_keyboard"][0]]
    assert buttons == ["al:ok", "al:no"]
    # Nothing has gone anywhere while the question waits.
    await services.bulletins.engine.idle.wait()
    assert group_copies(chat.fake, groups[0].id) == 0 and sms_harness.gateway.sms_to(NUMBER) == []
    assert await delivery_statuses(services.db) == []

    answer = await press_and_wait_for_edit(chat.fake, chat.people.officer, question, "al:ok")
    assert "Đang phát tin khẩn cấp" in answer and "1 nhóm và 2 người nhận SMS" in answer
    await chat.fake.wait_until(lambda: _summaries(chat) == 1, timeout=20, what="the summary")
    for number in (NUMBER, SECOND):
        [text] = sms_harness.texts_to(number)
        assert "Lu lon, di doi ngay" in text
    assert group_copies(chat.fake, groups[0].id) == 1
    # A second press of the same Confirm sends nothing more.
    await _confirm_an_old_question(chat, question)
    assert len(sms_harness.texts_to(NUMBER)) == 1 and len(sms_harness.texts_to(SECOND)) == 1
    assert group_copies(chat.fake, groups[0].id) == 1


async def test_a_cancelled_alert_reaches_no_group_and_no_phone(sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    groups = await link(chat.fake, services.db, "TT-TANTHANH", 1, chat.clock)
    await _two_subscribers(chat)
    question = await answer_to(chat.fake, chat.people.officer, "/khancap Cháy chợ")
    answer = await press_and_wait_for_edit(chat.fake, chat.people.officer, question, "al:no")
    assert answer == "Đã hủy tin khẩn cấp. Không nhóm nào và không số điện thoại nào nhận được."
    # Confirm pressed after Cancel (an old question) sends nothing either.
    await _confirm_an_old_question(chat, question)
    await _nothing_went_out(sms_harness, groups[0].id)


async def test_without_subscribers_in_scope_the_alert_goes_at_once(sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    groups = await link(chat.fake, services.db, "TT-TANTHANH", 1, chat.clock)
    # A subscriber of another commune is not this officer's to pay for.
    await reply_to(chat.fake, chat.people.other_officer, "/sms add 0901234567 TT-BINHTHANH")
    answer = await answer_to(chat.fake, chat.people.officer, "/khancap Cảnh báo lừa đảo")
    assert answer["text"].startswith("Đang phát tin khẩn cấp") and "SMS" not in answer["text"]
    assert "reply_markup" not in answer
    await chat.fake.wait_until(lambda: _summaries(chat) == 1, timeout=20, what="the summary")
    assert group_copies(chat.fake, groups[0].id) == 1 and sms_harness.texts_to() == []


async def test_send_now_of_a_long_bulletin_shows_its_parts_and_cost_then_sends_on_confirm(
        sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    await _two_subscribers(chat)
    body = "Cảnh giác với các cuộc gọi giả danh công an yêu cầu chuyển tiền. " * 3
    preview = await compose_and_choose(chat.fake, chat.people.officer, body, "fraud", "bc:now")
    # max_segments is 2 in the test config: 2 phones x 2 parts x 500 đồng.
    assert "Sẽ gửi 2 tin SMS (2 đoạn mỗi tin), khoảng 2.000 đồng" in preview["text"]
    assert [b["callback_data"] for b in preview["reply_markup"]["inline_keyboard"][0]] == [
        "bc:nowok", "bc:cancel"]
    await services.bulletins.engine.idle.wait()
    assert sms_harness.gateway.post_attempts == 0
    answer = await press_and_wait_for_edit(chat.fake, chat.people.officer, preview, "bc:nowok")
    assert "Đang gửi bản tin" in answer
    await chat.fake.wait_until(lambda: _summaries(chat) == 1, timeout=20, what="the summary")
    for number in (NUMBER, SECOND):
        [text] = sms_harness.texts_to(number)
        assert "Canh giac voi cac cuoc goi" in text


async def test_cancel_under_the_cost_of_a_bulletin_sends_nothing(sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    await _two_subscribers(chat)
    preview = await compose_and_choose(chat.fake, chat.people.officer, "Phòng cháy mùa khô",
                                       "fire", "bc:now")
    assert "Sẽ gửi 2 tin SMS (1 đoạn mỗi tin), khoảng 1.000 đồng" in preview["text"]
    answer = await press_and_wait_for_edit(chat.fake, chat.people.officer, preview, "bc:cancel")
    assert "Đã hủy bản tin" in answer
    await services.bulletins.engine.idle.wait()
    assert sms_harness.gateway.post_attempts == 0
    assert await delivery_statuses(services.db) == []


async def test_confirm_under_an_alert_question_an_hour_old_sends_nothing(sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    groups = await link(chat.fake, services.db, "TT-TANTHANH", 1, chat.clock)
    await _two_subscribers(chat)
    question = await answer_to(chat.fake, chat.people.officer, "/khancap Nước lên nhanh")
    chat.clock.advance(timedelta(hours=1, minutes=1))
    await _confirm_an_old_question(chat, question)
    await _nothing_went_out(sms_harness, groups[0].id)


async def test_adding_to_the_queue_shows_the_sms_cost_first_and_queues_on_confirm(sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    await _two_subscribers(chat)
    preview = await compose_and_choose(chat.fake, chat.people.officer, "Phòng cháy mùa khô",
                                       "fire", "bc:queue")
    assert "khi đến lượt theo lịch" in preview["text"]
    assert "Sẽ gửi 2 tin SMS (1 đoạn mỗi tin), khoảng 1.000 đồng" in preview["text"]
    assert [b["callback_data"] for b in preview["reply_markup"]["inline_keyboard"][0]] == [
        "bc:queueok", "bc:cancel"]
    assert "queued" not in await _bulletin_statuses(services.db)  # nothing queued yet
    answer = await press_and_wait_for_edit(chat.fake, chat.people.officer, preview, "bc:queueok")
    assert "vào hàng đợi" in answer
    assert await _bulletin_statuses(services.db) == ["queued"]
    await services.bulletins.engine.idle.wait()
    assert sms_harness.gateway.post_attempts == 0  # queued: it goes at its slot, not now


async def test_bulletin_with_words_is_queued_at_once_and_tells_its_sms_cost(sms_harness):
    chat = sms_harness.chat
    await _two_subscribers(chat)
    answer = await answer_to(chat.fake, chat.people.officer, "/bantin Phòng cháy mùa khô")
    assert "vào hàng đợi" in answer["text"]
    assert "Sẽ gửi 2 tin SMS (1 đoạn mỗi tin), khoảng 1.000 đồng" in answer["text"]
    assert "xác nhận" not in answer["text"] and "reply_markup" not in answer
    assert await _bulletin_statuses(chat.bot.services.db) == ["queued"]


async def _bulletin_statuses(db) -> list[str]:
    from sqlalchemy import select

    from storage.schema import bulletins
    async with db.reading() as conn:
        return [row[0] for row in (await conn.execute(select(bulletins.c.status))).all()]
