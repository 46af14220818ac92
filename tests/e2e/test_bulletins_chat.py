"""Bulletins in chat, end to end: composing, approval, the queue, alerts, schedules, the
"Đã phổ biến" button, refusals and odd input."""

from __future__ import annotations

from sqlalchemy import select

from storage.schema import acknowledgements, bulletins
from tests.e2e.bulletin_steps import compose_and_choose, group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.test_groups_and_staff import reply_to


def buttons_of(message):
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_an_editors_draft_waits_for_an_officers_approval(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    chats = await link(fake, services.db, "TT-TANTHANH", 2, services.clock)
    done = await compose_and_choose(fake, people.editor, "Phòng cháy mùa khô", "fire",
                                    "bc:submit")
    assert "cho cán bộ duyệt" in done["text"]
    notice = await fake.wait_for_message(people.officer.id, lambda m: "chờ duyệt" in m["text"])
    assert "Phòng cháy mùa khô" in notice["text"]
    listing = await reply_to(fake, people.editor, "/queue")
    assert "#1" in listing and "chờ duyệt" in listing
    # The editor cannot approve; the officer can, once.
    query = fake.press_button(people.editor, notice, "bq:approve:1")
    await fake.wait_until(lambda: query in fake.callback_answers)
    assert "cán bộ công an" in fake.callback_answers[query]["text"]
    fake.press_button(people.officer, notice, "bq:approve:1")
    approved = await fake.wait_for_message(people.officer.id, lambda m: "Đã duyệt" in m["text"])
    assert "#1" in approved["text"]
    listing = await reply_to(fake, people.officer, "/hangdoi")
    assert "trong hàng đợi" in listing and "2 nhóm chưa nhận" in listing
    await services.bulletins.run_due_slots()  # the clock stands at Thursday 08:00
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in chats))
    assert "Phòng cháy mùa khô" in fake.sent_messages(chats[0].id)[0]["text"]
    # The summary comes once every row is marked, and must not be taken for /queue's answer.
    await fake.wait_for_message(people.officer.id, lambda m: "đã gửi 2/2 nhóm" in m["text"])
    # Every group has it: it is history now, no longer in the queue.
    assert "Không có bản tin nào" in await reply_to(fake, people.officer, "/queue")


async def test_the_queue_moves_up_and_removes_and_refuses_forged_buttons(harness):
    fake, people = harness.fake, harness.people
    for text in ("/bulletin Bản tin thứ nhất", "/bantin Bản tin thứ hai"):
        assert "hàng đợi" in await reply_to(fake, people.officer, text)
    fake.send_message(people.officer, "/queue")
    listing = await fake.wait_for_message(people.officer.id, lambda m: "Bản tin đang chờ" in
                                          m["text"])
    assert listing["text"].index("#1") < listing["text"].index("#2")
    fake.press_button(people.officer, listing, "bq:up:2:l")
    await fake.wait_for_call("editMessageText")
    redrawn = fake.world.message(listing["chat"]["id"], listing["message_id"])
    assert redrawn["text"].index("#2") < redrawn["text"].index("#1")
    query = fake.press_button(people.officer, listing, "bq:remove:999999:l")
    await fake.wait_until(lambda: query in fake.callback_answers)
    assert "cũ" in fake.callback_answers[query]["text"]
    # An officer of another commune cannot touch this commune's queue.
    query = fake.press_button(people.other_officer, listing, "bq:remove:1:l")
    await fake.wait_until(lambda: query in fake.callback_answers)
    assert "phạm vi" in fake.callback_answers[query]["text"]
    fake.press_button(people.officer, listing, "bq:remove:1:l")
    await fake.wait_for_call("editMessageText")
    assert "#1" not in fake.world.message(listing["chat"]["id"], listing["message_id"])["text"]


async def test_composer_answers_odd_input_and_cancel_ends_the_draft(harness):
    fake, people = harness.fake, harness.people
    await reply_to(fake, people.officer, "/bulletin")
    fake.send_sticker(people.officer)
    bad = await fake.wait_for_message(people.officer.id)
    assert "chữ, hoặc ảnh" in bad["text"]
    assert "Đã hủy" in await reply_to(fake, people.officer, "/huy")
    assert "Không có bản tin nào" in await reply_to(fake, people.officer, "/queue")
    query = fake.press_button(people.officer, bad, "bc:now")
    await fake.wait_until(lambda: query in fake.callback_answers)
    assert fake.callback_answers[query].get("show_alert") is True


async def test_a_photo_bulletin_goes_out_as_a_photo_with_its_caption(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    chats = await link(fake, services.db, "TT-TANTHANH-A1", 1, services.clock)
    await reply_to(fake, people.officer, "/bulletin")
    fake.send_photo(people.officer, caption="Đối tượng trộm chó")
    topics = await fake.wait_for_message(people.officer.id, lambda m: "chủ đề" in m["text"])
    fake.press_button(people.officer, topics, "bc:topic:theft")
    await fake.wait_for_call("editMessageText")
    fake.press_button(people.officer, topics, "bc:now")
    await fake.wait_until(lambda: group_copies(fake, chats[0].id) == 1)
    sent = fake.sent_messages(chats[0].id)[0]
    assert "photo" in sent and "Đối tượng trộm chó" in sent["caption"]


async def test_refusals_name_the_role_needed(harness):
    fake, people = harness.fake, harness.people
    officer_only = "Lệnh này chỉ dành cho cán bộ công an của đơn vị."
    assert await reply_to(fake, people.resident, "/alert cháy") == officer_only
    assert await reply_to(fake, people.editor, "/khancap cháy") == officer_only
    assert await reply_to(fake, people.resident, "/schedule") == officer_only
    assert await reply_to(fake, people.resident, "/bulletin") == (
        "Lệnh này chỉ dành cho cán bộ công an và biên tập viên của đơn vị.")


async def test_an_alert_rings_every_group_in_scope_at_once(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    mine = await link(fake, services.db, "TT-TANTHANH-A1", 2, services.clock)
    theirs = await link(fake, services.db, "TT-BINHTHANH", 1, services.clock, prefix="BT")
    assert "Cách dùng" in await reply_to(fake, people.officer, "/alert")
    answer = await reply_to(fake, people.officer, "/khancap Lũ lớn, di dời ngay")
    assert "2 nhóm" in answer
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in mine))
    calls = [c for c in fake.calls_to("sendMessage") if c.params.get("chat_id", 0) < 0]
    assert all(not c.params.get("disable_notification") for c in calls)
    assert group_copies(fake, theirs[0].id) == 0
    assert fake.sent_messages(mine[0].id)[0]["text"].startswith("🚨")


async def test_passed_on_presses_are_counted_per_person_by_pseudonym(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    chats = await link(fake, services.db, "TT-TANTHANH", 2, services.clock)
    await reply_to(fake, people.officer, "/khancap Cảnh báo giả danh công an")
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in chats))
    message = fake.sent_messages(chats[0].id)[0]
    ack = buttons_of(message)[1]["callback_data"]
    leader = fake.user("Tổ trưởng")
    for user in (leader, people.resident, leader):
        query = fake.press_button(user, message, ack)
        await fake.wait_until(lambda q=query: q in fake.callback_answers)
    await fake.wait_until(lambda: "· 2" in buttons_of(
        fake.world.message(chats[0].id, message["message_id"]))[1]["text"])
    # Pressed under another group's copy's data, or forged: nothing is counted.
    query = fake.press_button(leader, fake.sent_messages(chats[1].id)[0], "ack:999")
    await fake.wait_until(lambda: query in fake.callback_answers)
    async with services.db.reading() as conn:
        rows = list(await conn.execute(select(acknowledgements)))
    assert len(rows) == 2
    assert all(str(leader.id) not in r.pseudonym and str(people.resident.id) not in r.pseudonym
               for r in rows)


async def test_schedule_shows_sets_and_resets_a_units_slots(harness):
    fake, people = harness.fake, harness.people
    shown = await reply_to(fake, people.officer, "/schedule")
    assert "mon,thu 08:00" in shown and "mặc định" in shown
    bad = await reply_to(fake, people.officer, "/lich monday 8am")
    assert "không hợp lệ" in bad
    assert "ngoài" not in bad
    done = await reply_to(fake, people.officer, "/lich TT-TANTHANH-A1 mon 08:00; thu 17:30")
    assert "mon 08:00; thu 17:30" in done
    assert "riêng" in await reply_to(fake, people.officer, "/schedule tt-tanthanh-a1")
    assert "phạm vi" in await reply_to(fake, people.officer, "/lich TT-BINHTHANH daily 07:00")
    assert "mặc định" in await reply_to(fake, people.officer, "/lich TT-TANTHANH-A1 default")
    async with harness.bot.services.db.reading() as conn:
        assert list(await conn.execute(select(bulletins))) == []


async def test_a_schedule_with_too_many_slots_is_refused(harness):
    from tests.e2e.tip_steps import say

    fake, officer = harness.fake, harness.people.officer
    answer = await say(fake, officer, "/lich TT-TANTHANH daily 06:00; daily 12:00; daily 18:00")
    assert "21" in answer["text"] and "14" in answer["text"]
    shown = await say(fake, officer, "/lich TT-TANTHANH")
    assert "daily 06:00" not in shown["text"]


async def test_an_officer_forces_a_resend_only_after_confirming_and_only_once(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    officer = people.officer
    chats = await link(fake, services.db, "TT-TANTHANH", 2, services.clock)
    await compose_and_choose(fake, officer, "Cảnh giác lừa đảo", "fraud", "bc:now")
    summary = await fake.wait_for_message(officer.id, lambda m: "Kết quả gửi" in m["text"])
    force = buttons_of(summary)[-1]["callback_data"]
    assert force.startswith("bu:force:")
    # Another commune's officer cannot use the button.
    query = fake.press_button(people.other_officer, summary, force)
    await fake.wait_until(lambda: query in fake.callback_answers)
    assert "phạm vi" in fake.callback_answers[query]["text"]
    fake.press_button(officer, summary, force)
    ask = await fake.wait_for_message(officer.id, lambda m: "Gửi lại bản tin" in m["text"])
    assert "2 nhóm" in ask["text"] and [group_copies(fake, c.id) for c in chats] == [1, 1]
    confirm, _ = (b["callback_data"] for b in buttons_of(ask))
    fake.press_button(officer, ask, confirm)
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 2 for c in chats))
    query = fake.press_button(officer, ask, confirm)  # pressed again: nothing more is sent
    await fake.wait_until(lambda: query in fake.callback_answers)
    assert "đã được gửi lại" in fake.callback_answers[query]["text"]
    await fake.wait_for_message(officer.id, lambda m: "Kết quả gửi" in m["text"]
                                and m["message_id"] != summary["message_id"])
    assert [group_copies(fake, c.id) for c in chats] == [2, 2]
