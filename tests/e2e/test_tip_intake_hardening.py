"""Tip intake as a resident, an officer and an attacker try it (issue 15, items 5-9; SPEC §12):
every part of a tip labelled and threaded under its notice, invisible text refused, bidi and
control characters kept from staff, limits told before writing, edits never silent, groups
pointed to the private chat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.tips import find_tip
from storage.tips_tables import tip_items, tips
from tests.e2e.tip_steps import CODE, button_data, buttons_of, next_reply, press, say
from tips import notifier as outbox_worker

UNIT = "TT-BINHTHANH"  # its officer is other_officer; the admin hears of it too (its parent)
INVISIBLE = "\u200b\u2060\u200c \u3164"  # zero-width space, word joiner, ZWNJ, Hangul filler


@pytest.fixture(autouse=True)
def quick_outbox(monkeypatch):
    """One message a second per officer is the outbox's pace in production; these tests watch
    what arrives, not the pace, so they do not wait for it."""
    monkeypatch.setattr(outbox_worker, "PER_CHAT_INTERVAL", 0.01)


async def stored_tip_count(harness) -> int:
    async with harness.bot.services.db.reading() as conn:
        return len((await conn.execute(select(tips.c.id))).all())


async def start_collecting(fake, user, category: str = "theft") -> dict:
    categories = await say(fake, user, f"/start tip_{UNIT}")
    collect = await press(fake, user, categories, f"ti:c:{category}")
    assert collect is not None
    return collect


async def added(fake, user, send) -> dict:
    """Send one part with ``send()``; the bot's answer that it was added (with the send
    button; a file is first answered with the copy officers will get)."""
    before = len(fake.sent_messages(user.id))
    send()

    def answered() -> bool:
        return any(button_data(m, "ti:s") for m in fake.sent_messages(user.id)[before:])

    await fake.wait_until(answered, what="the part to be added")
    return next(m for m in fake.sent_messages(user.id)[before:] if button_data(m, "ti:s"))


def _thread(fake, officer, code: str) -> tuple[dict | None, list[dict]]:
    messages = fake.sent_messages(officer.id)
    notice = next((m for m in messages if code in m.get("text", "") and button_data(m, "tt:")),
                  None)
    return notice, (messages[messages.index(notice) + 1:] if notice else [])


async def thread_in(fake, officer, code: str, parts: int) -> tuple[dict, list[dict]]:
    """The tip's notice in an officer's chat (the one with triage buttons) and the first
    ``parts`` messages after it, once they are there."""
    def arrived() -> bool:
        notice, after = _thread(fake, officer, code)
        return notice is not None and len(after) >= parts

    await fake.wait_until(arrived, what=f"{code} and {parts} parts in an officer's chat")
    notice, after = _thread(fake, officer, code)
    assert notice is not None
    return notice, after[:parts]


async def test_every_part_of_a_tip_reaches_officers_with_its_code_as_a_reply_to_the_notice(
        harness):
    fake, people = harness.fake, harness.people
    resident = people.resident
    await start_collecting(fake, resident)
    await say(fake, resident, "Hai người lạ cạy khóa xe")
    await added(fake, resident, lambda: fake.send_photo(resident, caption="ảnh chiếc xe"))
    await added(fake, resident, lambda: fake.send_video(resident, caption="video lúc 21h"))
    await added(fake, resident, lambda: fake.send_voice(resident, caption="giọng kể"))
    await added(fake, resident, lambda: fake.send_video_note(resident))
    await added(fake, resident, lambda: fake.send_audio(resident, "ghi-am.mp3", b"ID3fake"))
    await added(fake, resident, lambda: fake.send_document(resident, "so-xe.txt", b"51F"))
    last = await added(fake, resident, lambda: fake.send_location(resident, 10.4512, 105.6321))
    receipt = await press(fake, resident, last, "ti:s")
    code = CODE.search(receipt["text"]).group(0)

    # 7 attached parts; the round video and the location take no caption: a label before each.
    for officer in (people.other_officer, people.admin):
        notice, parts = await thread_in(fake, officer, code, parts=9)
        assert "Hai người lạ cạy khóa xe" in notice["text"]
        for part in parts:
            assert part["reply_to_message"]["message_id"] == notice["message_id"], part
        labelled = [p for p in parts if code in (p.get("text") or p.get("caption") or "")]
        uncaptioned = [p for p in parts if "video_note" in p or "location" in p]
        assert len(labelled) == 7 and len(uncaptioned) == 2
        for bare in uncaptioned:  # the message just before names the code and the kind
            label = parts[parts.index(bare) - 1]["text"]
            assert code in label
            assert ("video tròn" in label) if "video_note" in bare else ("10.4512" in label)
        kinds = [next(k for k in ("photo", "video", "voice", "video_note", "document",
                                  "location", "text") if k in p) for p in parts]
        assert kinds == ["photo", "video", "voice", "text", "video_note", "document",
                         "document", "text", "location"]
        captions = " ".join(p.get("caption", "") for p in parts)
        assert "ảnh chiếc xe" in captions and "video lúc 21h" in captions
    assert fake.forwards == []


async def test_a_part_whose_notice_failed_still_arrives_labelled(harness):
    """No notice to answer in one chat (Telegram refused it): the part goes plain, naming the
    code; a notice an officer deleted is the same case for Telegram (the reply is sent with
    allow_sending_without_reply)."""
    fake, people = harness.fake, harness.people
    resident = people.resident
    await start_collecting(fake, resident)
    fake.inject_error("sendMessage", chat_id=people.admin.id, error_code=400,
                      description="Bad Request: can't parse entities")
    last = await added(fake, resident, lambda: fake.send_photo(resident, caption="ảnh"))
    code = CODE.search((await press(fake, resident, last, "ti:s"))["text"]).group(0)
    notice, parts = await thread_in(fake, people.other_officer, code, parts=1)
    assert parts[0]["reply_to_message"]["message_id"] == notice["message_id"]
    sent = [c for c in fake.calls_to("sendPhoto") if c.params["chat_id"] == people.other_officer.id]
    assert sent[0].params["reply_parameters"]["allow_sending_without_reply"] is True
    photo = await fake.wait_for_message(people.admin.id, lambda m: "photo" in m)
    assert code in photo["caption"] and "reply_to_message" not in photo


async def test_a_zero_width_tip_is_not_filed_but_starts_the_guided_flow(harness):
    fake, resident = harness.fake, harness.people.resident
    units = await say(fake, resident, "/tip")
    await press(fake, resident, units, f"ti:u:{UNIT}")  # remembered: /tip text files at once
    for text in (f"/tip {INVISIBLE}", "/baotin \u200b", "/tip \u202e\u0000"):
        answer = await say(fake, resident, text)
        assert not CODE.search(answer["text"])
        assert button_data(answer, "ti:c:")  # the guided flow: choose a category
    assert await stored_tip_count(harness) == 0


async def test_a_draft_of_only_invisible_text_cannot_be_sent(harness):
    fake, resident = harness.fake, harness.people.resident
    collect = await start_collecting(fake, resident)
    refused = await say(fake, resident, INVISIBLE)
    assert "không có chữ nào nhìn thấy" in refused["text"]
    empty = await press(fake, resident, collect, "ti:s")
    assert "chưa có nội dung" in empty["text"] and not CODE.search(empty["text"])
    assert await stored_tip_count(harness) == 0
    # A photo with an invisible caption is a photo: it is sent, without the blank caption.
    last = await added(fake, resident, lambda: fake.send_photo(resident, caption=INVISIBLE))
    code = CODE.search((await press(fake, resident, last, "ti:s"))["text"]).group(0)
    _, parts = await thread_in(fake, harness.people.other_officer, code, parts=1)
    assert parts[0]["caption"].startswith("📎") and "\u200b" not in parts[0]["caption"]


async def test_bidi_overrides_and_control_characters_never_reach_staff(harness):
    fake, people = harness.fake, harness.people
    resident = people.resident
    units = await say(fake, resident, "/tip")
    await press(fake, resident, units, f"ti:u:{UNIT}")  # the unit is remembered
    written = "Xe biển \u202e54-321A15\u202c đậu\x00 ở chợ\x07"
    receipt = await say(fake, resident, f"/tip {written}")
    code = CODE.search(receipt["text"]).group(0)
    collect = await start_collecting(fake, resident)
    await added(fake, resident, lambda: fake.send_photo(resident, caption="\u202eđảo chiều\x00"))
    photo_code = CODE.search((await press(fake, resident, collect, "ti:s"))["text"]).group(0)

    notice, _ = await thread_in(fake, people.other_officer, code, parts=0)
    assert "Xe biển 54-321A15 đậu ở chợ" in notice["text"]
    _, parts = await thread_in(fake, people.other_officer, photo_code, parts=1)
    assert "đảo chiều" in parts[-1]["caption"]
    for message in fake.sent_messages(people.other_officer.id):
        shown = (message.get("text") or "") + (message.get("caption") or "")
        assert not any(ch in shown for ch in "\u202e\u202c\x00\x07"), shown
    # Stored as staff will read it (decided: PostgreSQL cannot store NUL, and every later view,
    # /status, lists, exports, is safe without having to remember to clean it).
    async with harness.bot.services.db.reading() as conn:
        tip = await find_tip(conn, code)
        stored = (await conn.execute(select(tip_items.c.text)
                                     .where(tip_items.c.tip_id == tip.id))).scalar()
    assert stored == "Xe biển 54-321A15 đậu ở chợ"


async def test_a_resident_at_the_hourly_limit_is_told_before_writing_when_they_may_send(harness):
    fake, resident = harness.fake, harness.people.resident
    units = await say(fake, resident, "/tip")
    await press(fake, resident, units, f"ti:u:{UNIT}")
    for n in range(3):  # tips.max_per_hour = 3 in the end-to-end config
        assert CODE.search((await say(fake, resident, f"/tip tin số {n}"))["text"])
    harness.clock.advance(timedelta(minutes=10))
    # 01:00 UTC is 08:00 in Ho Chi Minh City; the three tips leave the hour just after 09:00.
    for start in ("/tip", "/baotin", f"/start tip_{UNIT}", "/start tip"):
        refused = await say(fake, resident, start)
        assert "trong giờ qua" in refused["text"] and "từ 05/03/2026 09:01" in refused["text"]
        assert not buttons_of(refused)  # no unit or category to choose: nothing was begun
    one_shot = await say(fake, resident, "/tip viết cả tin rồi mới bị từ chối?")
    assert "từ 05/03/2026 09:01" in one_shot["text"] and not CODE.search(one_shot["text"])
    assert await stored_tip_count(harness) == 3
    harness.clock.advance(timedelta(minutes=51))
    assert "Xã Bình Thành" in (await say(fake, resident, "/tip"))["text"]


async def test_an_edit_of_a_draft_part_replaces_it_and_officers_get_the_corrected_plate(harness):
    fake, people = harness.fake, harness.people
    resident = people.resident
    await start_collecting(fake, resident)
    before = len(fake.sent_messages(resident.id))
    plate = fake.send_message(resident, "Xe máy biển 66A-123.45 chở hàng cấm")
    await next_reply(fake, resident.id, before)
    photo_before = len(fake.sent_messages(resident.id))
    photo = fake.send_photo(resident, caption="biển 66A-123.45")
    await next_reply(fake, resident.id, photo_before)

    before = len(fake.sent_messages(resident.id))
    fake.edit_message(resident, plate, "Xe máy biển 66A-987.65 chở hàng cấm")
    assert "Đã sửa phần 1" in (await next_reply(fake, resident.id, before))["text"]
    before = len(fake.sent_messages(resident.id))
    fake.edit_caption(resident, photo, "biển 66A-987.65")
    answer = await next_reply(fake, resident.id, before)
    assert "Đã sửa phần 2" in answer["text"]
    receipt = await press(fake, resident, answer, "ti:s")
    code = CODE.search(receipt["text"]).group(0)

    notice, parts = await thread_in(fake, people.other_officer, code, parts=1)
    assert "66A-987.65" in notice["text"] and "66A-123.45" not in notice["text"]
    assert "66A-987.65" in parts[0]["caption"] and "66A-123.45" not in parts[0]["caption"]


async def test_an_edit_that_leaves_nothing_visible_removes_the_part(harness):
    fake, resident = harness.fake, harness.people.resident
    collect = await start_collecting(fake, resident)
    before = len(fake.sent_messages(resident.id))
    words = fake.send_message(resident, "nhầm")
    await next_reply(fake, resident.id, before)
    before = len(fake.sent_messages(resident.id))
    fake.edit_message(resident, words, "\u200b")
    assert "phần 1 đã được bỏ" in (await next_reply(fake, resident.id, before))["text"]
    assert "chưa có nội dung" in (await press(fake, resident, collect, "ti:s"))["text"]


async def test_an_edit_after_filing_is_answered_with_how_to_add_information(harness):
    fake, people = harness.fake, harness.people
    resident = people.resident
    await start_collecting(fake, resident)
    before = len(fake.sent_messages(resident.id))
    plate = fake.send_message(resident, "Biển số 66A-123.45")
    added_answer = await next_reply(fake, resident.id, before)
    code = CODE.search((await press(fake, resident, added_answer, "ti:s"))["text"]).group(0)
    before = len(fake.sent_messages(resident.id))
    fake.edit_message(resident, plate, "Biển số 66A-987.65")
    answer = (await next_reply(fake, resident.id, before))["text"]
    assert f"/reply {code}" in answer and "đã gửi" in answer

    stranger = fake.user("Người Mới")
    before = len(fake.sent_messages(stranger.id))
    hello = fake.send_message(stranger, "xin chào")
    await next_reply(fake, stranger.id, before)
    before = len(fake.sent_messages(stranger.id))
    fake.edit_message(stranger, hello, "xin chào bot")
    assert "tin nhắn đã sửa" in (await next_reply(fake, stranger.id, before))["text"]

    group = fake.group("Tổ 8", members=6)
    chatter = fake.send_message(resident, "chào cả nhóm", chat=group)
    fake.edit_message(resident, chatter, "chào cả nhà")
    await harness.settle()
    assert fake.sent_messages(group.id) == []  # a group's edits are not addressed to the bot
    await thread_in(fake, people.other_officer, code, parts=0)
    assert not any("987.65" in (m.get("text") or "")
                   for m in fake.sent_messages(people.other_officer.id))


async def test_a_live_location_moves_quietly(harness):
    """A shared live location is edited every few seconds: the draft keeps its last position,
    and nobody is answered for each move."""
    fake, people = harness.fake, harness.people
    resident = people.resident
    await start_collecting(fake, resident)
    before = len(fake.sent_messages(resident.id))
    live = fake.send_location(resident, 10.1, 105.1, live_period=900)
    shared = await next_reply(fake, resident.id, before)
    before += 1
    fake.move_live_location(resident, live, 10.2, 105.2)
    fake.move_live_location(resident, live, 10.3, 105.3)
    await harness.settle()
    assert len(fake.sent_messages(resident.id)) == before
    receipt = await press(fake, resident, shared, "ti:s")
    code = CODE.search(receipt["text"]).group(0)
    fake.move_live_location(resident, live, 10.4, 105.4)  # after filing: still quiet
    _, parts = await thread_in(fake, people.other_officer, code, parts=2)
    assert "10.3,105.3" in parts[0]["text"] and parts[1]["location"]["latitude"] == 10.3
    await harness.settle()
    assert len(fake.sent_messages(resident.id)) == before + 1  # the receipt only


async def test_tip_words_in_a_group_the_bot_cannot_clean_are_pointed_out_to_their_sender(
        harness):
    fake, people = harness.fake, harness.people
    group = fake.group("Tổ 9", members=12)  # the bot is a member, not an admin
    command = fake.send_message(people.resident, "/tip nhà số 7 chứa ma túy", chat=group)
    redirect = await fake.wait_for_message(group.id, lambda m: buttons_of(m))
    assert buttons_of(redirect)[0]["url"].endswith(f"{fake.bot_username}?start=tip")
    refused = await fake.wait_for_call("deleteMessage")
    assert not refused.ok and not fake.is_deleted(group.id, command["message_id"])
    private = await fake.wait_for_message(
        people.resident.id, lambda m: "vẫn hiện" in m.get("text", ""))
    assert "Tổ 9" in private["text"] and "Thu hồi" in private["text"]
    await harness.settle()
    # The group hears nothing that points at the sender: the button only, not a reply.
    assert [m for m in fake.sent_messages(group.id) if "vẫn hiện" in m.get("text", "")] == []
    assert "reply_to_message" not in redirect

    # Someone the bot may not write to (they never opened its chat): told under their message.
    newcomer = fake.user("Người Chưa Nhắn", started=False)
    shown = fake.send_message(newcomer, "/tip có người lạ", chat=group)
    warning = await fake.wait_for_message(group.id, lambda m: "vẫn hiện" in m.get("text", ""))
    assert warning["reply_to_message"]["message_id"] == shown["message_id"]
    assert "Xóa" in warning["text"] and "Thu hồi" in warning["text"]

    # A bare /tip carries no words: nothing to warn about.
    fake.send_message(people.resident, "/tip", chat=group)
    await harness.settle()
    assert len([m for m in fake.sent_messages(people.resident.id)
                if "vẫn hiện" in m.get("text", "")]) == 1
    assert await stored_tip_count(harness) == 0


async def test_cancel_and_start_in_a_group_point_to_the_private_chat(harness):
    fake, people = harness.fake, harness.people
    resident = people.resident
    await start_collecting(fake, resident)
    await say(fake, resident, "phần đang viết")
    group = fake.group("Tổ 10", members=9)
    for command in ("/cancel", "/huy", "/start"):
        answer = await say(fake, resident, command, chat=group)
        button = buttons_of(answer)[0]
        assert button["url"] == f"https://t.me/{fake.bot_username}?start=welcome"
        assert "tin nhắn riêng" in answer["text"] and "Đã hủy" not in answer["text"]
    # The private draft was not cancelled from the group.
    still = await say(fake, resident, "phần tiếp theo")
    assert "Đã nhận phần 2" in still["text"]
