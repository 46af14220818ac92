""""Bản SMS" (SPEC §13 "Text", issue 18 item 3), end to end over the Telegram and SMS Gateway
for Android emulators: with SMS configured, the composer offers an SMS version after the
content; the officer types it, sees its parts and cost under the preview, and SMS subscribers
get exactly that text while groups get the bulletin itself."""

from __future__ import annotations

from tests.e2e.bulletin_steps import group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.sms.conftest import NUMBER, answer_to, press_and_wait_for_edit
from tests.e2e.test_groups_and_staff import reply_to

BODY = "Cảnh giác với các cuộc gọi giả danh công an yêu cầu chuyển tiền vào tài khoản lạ."
SMS_VERSION = "CA xa Tan Thanh: khong chuyen tien theo dien thoai la. Bao tin: TB noi dung"


def _callbacks(message: dict) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


async def _preview(chat) -> dict:
    fake, officer = chat.fake, chat.people.officer
    fake.send_message(officer, "/bulletin")
    await fake.wait_for_message(officer.id, lambda m: "Gửi nội dung" in m.get("text", ""))
    topics = await answer_to(fake, officer, BODY)
    await press_and_wait_for_edit(fake, officer, topics, "bc:topic:fraud")
    return fake.world.message(topics["chat"]["id"], topics["message_id"])


async def test_the_officers_sms_version_is_what_subscribers_get(sms_harness):
    chat = sms_harness.chat
    fake, officer, services = chat.fake, chat.people.officer, chat.bot.services
    groups = await link(fake, services.db, "TT-TANTHANH", 1, chat.clock)
    added = await reply_to(fake, officer, "/sms add 0901234567 TT-TANTHANH")
    assert "xx" in added
    preview = await _preview(chat)
    assert _callbacks(preview) == ["bc:now", "bc:queue", "bc:units", "bc:sms", "bc:cancel"]
    asked = await press_and_wait_for_edit(fake, officer, preview, "bc:sms")
    assert "bản SMS" in asked
    with_version = await answer_to(fake, officer, SMS_VERSION)
    assert BODY in with_version["text"] and f"📱 Bản SMS:\n{SMS_VERSION}" in with_version["text"]
    assert ("Bản SMS: 1 đoạn mỗi tin, khoảng 500 đồng một tin; hiện có 1 người nhận SMS, "
            "khoảng 500 đồng.") in with_version["text"]
    assert "bc:now" in _callbacks(with_version)
    cost = await press_and_wait_for_edit(fake, officer, with_version, "bc:now")
    assert "Sẽ gửi 1 tin SMS (1 đoạn mỗi tin), khoảng 500 đồng" in cost
    await press_and_wait_for_edit(fake, officer, with_version, "bc:nowok")
    await fake.wait_until(lambda: len(sms_harness.texts_to(NUMBER)) == 1, timeout=20,
                          what="the SMS")
    assert sms_harness.texts_to(NUMBER) == [SMS_VERSION]
    await fake.wait_until(lambda: group_copies(fake, groups[0].id) == 1, timeout=20,
                          what="the group's copy")
    [copy] = fake.sent_messages(groups[0].id)
    assert BODY in copy["text"] and SMS_VERSION not in copy["text"]


async def test_a_long_sms_version_is_said_to_be_cut_and_can_be_dropped(sms_harness):
    chat = sms_harness.chat
    fake, officer = chat.fake, chat.people.officer
    preview = await _preview(chat)
    await press_and_wait_for_edit(fake, officer, preview, "bc:sms")
    not_text = await answer_to(fake, officer, "\u200b")
    assert "chỉ là chữ" in not_text["text"]
    with_version = await answer_to(fake, officer, "Canh giac lua dao. " * 20)
    # max_segments is 2 in the test config: the SMS is cut and the officer is told.
    assert "2 đoạn mỗi tin" in with_version["text"] and "cắt bớt" in with_version["text"]
    assert "0 người nhận SMS" in with_version["text"]
    await press_and_wait_for_edit(fake, officer, with_version, "bc:sms")
    asked = fake.world.message(with_version["chat"]["id"], with_version["message_id"])
    assert _callbacks(asked) == ["bc:nosms", "bc:cancel"]
    dropped = await press_and_wait_for_edit(fake, officer, asked, "bc:nosms")
    assert "Bản SMS:" not in dropped and BODY in dropped
