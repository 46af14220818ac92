"""A photo bulletin sent now reaches a Telegram group as the photo with its caption and an SMS
subscriber as the words with the photo described (an SMS carries no file), end to end over the
Telegram and SMS Gateway for Android emulators."""

from __future__ import annotations

from tests.e2e.bulletin_steps import group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.sms.conftest import NUMBER, press_and_wait_for_edit
from tests.e2e.test_groups_and_staff import reply_to


async def test_a_photo_bulletin_is_a_photo_in_the_group_and_words_by_sms(sms_harness):
    chat = sms_harness.chat
    fake, officer, services = chat.fake, chat.people.officer, chat.bot.services
    groups = await link(fake, services.db, "TT-TANTHANH", 1, chat.clock)
    assert "xx" in await reply_to(fake, officer, "/sms add 0901234567 TT-TANTHANH")
    await reply_to(fake, officer, "/bulletin")
    fake.send_photo(officer, caption="Đối tượng trộm chó")
    topics = await fake.wait_for_message(officer.id, lambda m: "chủ đề" in m.get("text", ""))
    preview_text = await press_and_wait_for_edit(fake, officer, topics, "bc:topic:theft")
    preview = {**fake.world.message(topics["chat"]["id"], topics["message_id"]),
               "text": preview_text}
    cost = await press_and_wait_for_edit(fake, officer, preview, "bc:now")
    assert "Sẽ gửi 1 tin SMS (1 đoạn mỗi tin)" in cost
    sending = await press_and_wait_for_edit(fake, officer, {**preview, "text": cost}, "bc:nowok")
    assert "tới 1 nhóm và 1 người nhận SMS" in sending
    await fake.wait_until(lambda: group_copies(fake, groups[0].id) == 1, timeout=20,
                          what="the group's copy")
    [copy] = fake.sent_messages(groups[0].id)
    assert "photo" in copy and "Đối tượng trộm chó" in copy["caption"]
    await fake.wait_until(lambda: len(sms_harness.texts_to(NUMBER)) == 1, timeout=20,
                          what="the SMS")
    [text] = sms_harness.texts_to(NUMBER)
    assert "Ban tin co kem anh" in text and "Doi tuong trom cho" in text
    # The officer's summary tells the group and the phone apart.
    summary = await fake.wait_for_message(officer.id,
                                          lambda m: "Kết quả gửi" in m.get("text", ""),
                                          timeout=20)
    assert "đã gửi 1/1 nhóm và 1/1 người nhận SMS." in summary["text"]
