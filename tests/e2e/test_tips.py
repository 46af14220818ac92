"""Anonymous tips end to end (SPEC §3, §4): intake, copies to officers, follow-up, triage."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from channels.telegram_addresses import address_of_chat
from storage.audit import entries_for
from storage.tip_records import Assessment, TipState
from storage.tips import find_tip
from storage.tips_tables import outbox, outcomes, tips
from tests.e2e.tip_steps import (
    CODE,
    button_data,
    buttons_of,
    file_guided_tip,
    next_reply,
    press,
    say,
)
from tips.abandoned_drafts import ABANDONED_DRAFT_DAYS, expire_abandoned_drafts
from tips.followup_links import purge_relay_links


async def notice_for(fake, officer, code, predicate=None):
    return await fake.wait_for_message(
        officer.id, lambda m: code in (m.get("text") or m.get("caption") or "")
        and (predicate is None or predicate(m)))


async def tip_record(harness, code):
    async with harness.bot.services.db.reading() as conn:
        return await find_tip(conn, code)


async def test_guided_tip_reaches_officers_as_copies_with_triage_buttons(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident, texts=("Có người bán ma túy",),
                                 photo=True)
    for officer in (people.officer, people.admin):  # the unit and its parent (unit_and_parent)
        notice = await notice_for(fake, officer, code, lambda m: "ma túy" in m.get("text", ""))
        assert "TT-TANTHANH" in notice["text"]
        assert len(button_data(notice, "tt:")) == 6
        photo = await notice_for(fake, officer, code, lambda m: "photo" in m)
        assert "ảnh chụp lúc 21h" in photo["caption"]
    assert fake.forwards == []
    assert not any(code in m.get("text", "") for m in fake.sent_messages(people.other_officer.id))
    tip = await tip_record(harness, code)
    assert tip.unit_code == "TT-TANTHANH" and tip.category == "drugs"
    assert tip.assessment is Assessment.UNASSESSED and tip.state is TipState.OPEN


async def test_one_shot_tip_asks_the_unit_once_then_files_at_once(harness):
    fake, resident = harness.fake, harness.people.resident
    units = await say(fake, resident, "/tip Trộm xe máy ở chợ")
    assert "ti:u:TT-BINHTHANH" in button_data(units, "ti:")
    receipt = await press(fake, resident, units, "ti:u:TT-BINHTHANH")
    first = CODE.search(receipt["text"]).group(0)
    second_receipt = await say(fake, resident, "/baotin Lại mất xe nữa")
    second = CODE.search(second_receipt["text"]).group(0)
    assert first != second
    for code in (first, second):
        tip = await tip_record(harness, code)
        assert tip.unit_code == "TT-BINHTHANH" and tip.category == "other"
    await notice_for(fake, harness.people.other_officer, second)


async def test_deep_link_starts_with_the_unit_set(harness):
    fake, resident = harness.fake, harness.people.resident
    categories = await say(fake, resident, "/start tip_tt-binhthanh")
    assert "Xã Bình Thành" in categories["text"]
    assert "ti:c:other" in button_data(categories, "ti:")
    remembered = await say(fake, resident, "/tip")  # the linked unit is remembered
    assert "Xã Bình Thành" in remembered["text"]
    unknown = await say(fake, fake.user("Người Mới"), "/start tip_NOWHERE")
    assert "ti:u:TT-BINHTHANH" in button_data(unknown, "ti:")


async def test_tip_in_a_group_points_to_the_private_chat_and_is_deleted(harness):
    fake, people = harness.fake, harness.people
    group = fake.group("Tổ 5", members=8)
    fake.add_bot_to_group(group, people.officer, as_admin=True)
    await fake.wait_for_message(group.id)
    command = fake.send_message(people.resident, "/tip có người lạ", chat=group)
    redirect = await fake.wait_for_message(group.id, lambda m: "reply_markup" in m
                                           and "url" in buttons_of(m)[0])
    assert buttons_of(redirect)[0]["url"].endswith(f"{fake.bot_username}?start=tip")
    await fake.wait_for_call("deleteMessage")
    assert fake.is_deleted(group.id, command["message_id"])
    assert await tip_record(harness, "TIP-000000") is None


async def test_follow_up_works_both_ways_and_shows_in_status(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    await notice_for(fake, people.officer, code)
    sent = await say(fake, people.officer, f"/reply {code.lower()} Xe màu gì?")
    assert code in sent["text"]
    question = await fake.wait_for_message(people.resident.id,
                                           lambda m: "Xe màu gì?" in m.get("text", ""))
    before = len(fake.sent_messages(people.resident.id))
    fake.send_message(people.resident, "Màu đỏ, biển 66A", reply_to=question)
    assert code in (await next_reply(fake, people.resident.id, before))["text"]
    await notice_for(fake, people.officer, code, lambda m: "Màu đỏ" in m.get("text", ""))
    for user in (people.resident, people.officer):
        status = (await say(fake, user, f"/status {code}"))["text"]
        assert "Xe màu gì?" in status and "Màu đỏ, biển 66A" in status
    added = await say(fake, people.resident, f"/traloi {code} thêm: có 2 người")
    assert code in added["text"]


async def test_a_code_alone_reveals_nothing(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    stranger = fake.user("Người Lạ")
    someone_elses = (await say(fake, stranger, f"/status {code}"))["text"]
    made_up = (await say(fake, stranger, "/status TIP-ZZZZZZ"))["text"]
    assert someone_elses == made_up
    foreign_officer = (await say(fake, people.other_officer, f"/status {code}"))["text"]
    assert foreign_officer == made_up
    assert code not in (await say(fake, stranger, f"/reply {code} hello"))["text"]
    for _ in range(8):
        await say(fake, stranger, "/status TIP-ZZZZZZ")
    assert "một giờ" in (await say(fake, stranger, f"/status {code}"))["text"]


async def test_triage_buttons_assess_and_close_and_the_tipster_hears_neutral_words(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    notice = await notice_for(fake, people.officer, code, lambda m: "reply_markup" in m)
    valuable = next(d for d in button_data(notice, "tt:v:"))
    await press(fake, people.officer, notice, valuable, expect_reply=False)
    await fake.wait_for_message(people.resident.id,
                                lambda m: code in m.get("text", "") and "xác minh" in m["text"])
    close = next(d for d in button_data(notice, "tt:c:"))
    await press(fake, people.officer, notice, close, expect_reply=False)
    helped = await fake.wait_for_message(
        people.resident.id, lambda m: code in m.get("text", "") and "giúp ích" in m["text"])
    assert "giá trị" not in helped["text"]
    tip = await tip_record(harness, code)
    assert tip.assessment is Assessment.VALUABLE and tip.state is TipState.CLOSED
    async with harness.bot.services.db.reading() as conn:
        actions = [e.action for e in await entries_for(conn, f"tip:{code}")]
    assert actions == ["tip.assess", "tip.close"]


async def test_tampered_or_foreign_buttons_do_nothing(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    notice = await notice_for(fake, people.officer, code, lambda m: "reply_markup" in m)
    false_button = next(d for d in button_data(notice, "tt:f:"))
    tampered = false_button[:-1] + ("A" if false_button[-1] != "A" else "B")
    query = fake.press_button(people.officer, notice, tampered)
    answer = await fake.wait_for_call("answerCallbackQuery",
                                      lambda c: c.params.get("callback_query_id") == query)
    assert "không hợp lệ" in answer.params["text"]
    forged = fake.press_button(people.other_officer, notice, false_button)
    await fake.wait_for_call("answerCallbackQuery",
                             lambda c: c.params.get("callback_query_id") == forged)
    assert (await tip_record(harness, code)).assessment is Assessment.UNASSESSED


async def test_false_tip_is_never_called_false_to_the_tipster(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    await notice_for(fake, people.officer, code)
    assert "tin sai" in (await say(fake, people.officer, f"/assess {code} false"))["text"]
    assert "đã đóng" in (await say(fake, people.officer, f"/dong {code}"))["text"]
    closed = await fake.wait_for_message(
        people.resident.id, lambda m: code in m.get("text", "") and "xử lý xong" in m["text"])
    tipster_texts = " ".join(m.get("text", "") for m in fake.sent_messages(people.resident.id))
    assert "sai" not in tipster_texts.lower() and "giúp ích" not in closed["text"]


async def test_block_refuses_that_sender_only(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    await notice_for(fake, people.officer, code)
    assert "30 ngày" in (await say(fake, people.officer, f"/block {code}"))["text"]
    refused = await say(fake, people.resident, "/tip lại báo nữa")
    assert "không nhận tin báo" in refused["text"] and not CODE.search(refused["text"])
    other = fake.user("Hàng Xóm")
    await file_guided_tip(fake, other)


async def test_rate_limit_per_hour_answers_politely(harness):
    fake, resident = harness.fake, harness.people.resident
    await file_guided_tip(fake, resident)
    for n in range(2):
        assert CODE.search((await say(fake, resident, f"/tip tin {n}"))["text"])
    limited = await say(fake, resident, "/tip tin thứ tư")
    assert "trong giờ qua" in limited["text"]
    harness.clock.advance(timedelta(hours=1, minutes=1))
    assert CODE.search((await say(fake, resident, "/tip sau một giờ"))["text"])


async def test_outcomes_are_recorded_against_tips_and_units(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    await notice_for(fake, people.officer, code)
    recorded = await say(fake, people.officer, f"/outcome {code} cases=1 persons=3 bắt quả tang")
    assert code in recorded["text"]
    unit = await say(fake, people.officer, "/ketqua TT-TANTHANH-A1 knives=2")
    assert "TT-TANTHANH-A1" in unit["text"]
    foreign = await say(fake, people.officer, "/outcome TT-BINHTHANH guns=1")
    assert "TT-BINHTHANH" in foreign["text"] and "phạm vi" in foreign["text"]
    unknown = await say(fake, people.officer, f"/outcome {code} tanks=1")
    assert "tanks" in unknown["text"]
    async with harness.bot.services.db.reading() as conn:
        rows = (await conn.execute(select(outcomes.c.kind, outcomes.c.quantity,
                                          outcomes.c.tip_id))).all()
    assert sorted((r.kind, r.quantity, r.tip_id is None) for r in rows) == [
        ("cases", 1, False), ("knives", 2, True), ("persons", 3, False)]


async def test_resident_is_refused_staff_commands_and_learns_nothing(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    for command in (f"/assess {code} valuable", "/tips", f"/close {code}", f"/block {code}"):
        answer = (await say(fake, people.resident, command))["text"]
        assert answer.startswith("Lệnh này chỉ dành cho") and code not in answer


async def test_tips_list_pages_newest_first(harness):
    fake, people = harness.fake, harness.people
    codes = [await file_guided_tip(fake, fake.user(f"Dân {n}")) for n in range(3)]
    listing = (await say(fake, people.officer, "/nguontin all"))["text"]
    assert [c for c in re.findall(CODE, listing)] == list(reversed(codes))
    assert "Lệnh" not in listing
    assert "Cách dùng" in (await say(fake, people.officer, "/tips everything"))["text"]


async def test_relay_link_is_purged_after_followup_days(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    await notice_for(fake, people.officer, code)
    await say(fake, people.officer, f"/close {code}")
    harness.clock.advance(timedelta(days=31))
    assert await purge_relay_links(harness.bot.services) == 1
    async with harness.bot.services.db.reading() as conn:
        link = (await conn.execute(select(tips.c.relay_link).where(tips.c.code == code))).scalar()
        outbox_links = (await conn.execute(select(outbox.c.relay_link).where(
            outbox.c.relay_link.is_not(None)))).all()
    assert link is None and outbox_links == []
    gone = await say(fake, people.officer, f"/reply {code} còn đó không?")
    assert "không thể liên lạc" in gone["text"].lower()


async def test_half_written_tip_survives_a_restart(harness):
    fake, resident = harness.fake, harness.people.resident
    categories = await say(fake, resident, "/start tip_TT-BINHTHANH")
    collect = await press(fake, resident, categories, "ti:c:theft")
    await say(fake, resident, "Phần một trước khi khởi động lại")
    await harness.restart()
    after = await say(fake, resident, "Phần hai sau khi khởi động lại")
    receipt = await press(fake, resident, after, "ti:s")
    code = CODE.search(receipt["text"]).group(0)
    assert collect is not None
    async with harness.bot.services.db.reading() as conn:
        tip = await find_tip(conn, code)
    notice = await notice_for(fake, harness.people.other_officer, code)
    assert tip.category == "theft"
    assert "Phần một" in notice["text"] and "Phần hai" in notice["text"]


async def test_cancel_and_odd_content_inside_the_flow(harness):
    fake, resident = harness.fake, harness.people.resident
    categories = await say(fake, resident, "/start tip_TT-BINHTHANH")
    await press(fake, resident, categories, "ti:c:fraud")
    before = len(fake.sent_messages(resident.id))
    fake.send_sticker(resident)
    assert "không được thêm" in (await next_reply(fake, resident.id, before))["text"]
    before = len(fake.sent_messages(resident.id))
    fake.send_poll(resident, "?", ["a", "b"])
    assert "không được thêm" in (await next_reply(fake, resident.id, before))["text"]
    assert "Đã hủy" in (await say(fake, resident, "/huy"))["text"]
    assert "chưa hiểu" in (await say(fake, resident, "chỉ là một câu"))["text"]
    expired = fake.press_button(resident, categories, "ti:s")
    answer = await fake.wait_for_call("answerCallbackQuery",
                                      lambda c: c.params.get("callback_query_id") == expired)
    assert answer is not None


@pytest.mark.parametrize("link", ["tip-b{id}", "tip_b{id}"])  # today's form, and sent ones'
async def test_report_button_under_a_bulletin_starts_a_tip_for_that_bulletins_unit(harness, link):
    from storage.bulletins import insert_bulletin

    fake, resident = harness.fake, harness.people.resident
    async with harness.bot.services.db.transaction() as conn:
        bulletin = await insert_bulletin(
            conn, unit_code="TT-BINHTHANH", topic="drugs", body="Cảnh giác ma túy",
            media_kind=None, media_file_id=None, status="approved", is_alert=False,
            created_by=address_of_chat(harness.people.other_officer.id), now=harness.clock.now())
    categories = await say(fake, resident, "/start " + link.format(id=bulletin.id))
    assert "Xã Bình Thành" in categories["text"]
    collect = await press(fake, resident, categories, "ti:c:drugs")
    await say(fake, resident, "Thấy người lạ sau khi đọc bản tin")
    receipt = await press(fake, resident, collect, "ti:s")
    code = CODE.search(receipt["text"]).group(0)
    async with harness.bot.services.db.reading() as conn:
        bulletin_id = (await conn.execute(select(tips.c.bulletin_id)
                                          .where(tips.c.code == code))).scalar()
    assert bulletin_id == bulletin.id


async def test_an_edited_command_is_not_run_again(harness):
    fake, resident = harness.fake, harness.people.resident
    await file_guided_tip(fake, resident)
    quick = fake.send_message(resident, "/tip lần một")
    await fake.wait_for_message(resident.id, lambda m: "lần" not in m.get("text", "")
                                and CODE.search(m.get("text", "")) is not None)
    before = len(fake.sent_messages(resident.id))
    fake.edit_message(resident, quick, "/tip lần hai")
    answer = await next_reply(fake, resident.id, before)
    assert "/reply TIP-" in answer["text"] and not CODE.search(answer["text"].split("/reply")[0])
    await harness.settle()
    assert len(fake.sent_messages(resident.id)) == before + 1  # the answer, no new receipt
    async with harness.bot.services.db.reading() as conn:
        count = len((await conn.execute(select(tips.c.id))).all())
    assert count == 2


async def test_status_and_reply_are_refused_in_a_group(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    group = fake.group("Tổ 6", members=5)
    answer = await say(fake, people.officer, f"/status {code}", chat=group)
    assert answer["text"] == "Lệnh này chỉ dùng trong tin nhắn riêng với bot."
    assert code not in answer["text"]
    assert (await say(fake, people.resident, f"/reply {code} x", chat=group))["text"] == (
        answer["text"])


async def test_an_old_unit_button_never_files_a_half_written_tip(harness):
    fake, resident = harness.fake, harness.people.resident
    units = await say(fake, resident, "/tip")
    categories = await press(fake, resident, units, "ti:u:TT-BINHTHANH")
    await press(fake, resident, categories, "ti:c:theft")
    await say(fake, resident, "mới viết một nửa")
    query = fake.press_button(resident, units, "ti:u:TT-BINHTHANH")
    answer = await fake.wait_for_call("answerCallbackQuery",
                                      lambda c: c.params.get("callback_query_id") == query)
    assert "hết hạn" in answer.params["text"]
    async with harness.bot.services.db.reading() as conn:
        assert (await conn.execute(select(tips.c.id))).all() == []


async def test_a_receipt_that_fails_to_send_still_reaches_the_tipster_once(harness):
    fake, resident = harness.fake, harness.people.resident
    units = await say(fake, resident, "/tip")
    await press(fake, resident, units, "ti:u:TT-BINHTHANH")  # the unit is remembered
    fake.inject_error("sendMessage", chat_id=resident.id, error_code=502,
                      description="Bad Gateway")
    fake.send_message(resident, "/tip Trộm xe máy ở chợ")
    receipt = await fake.wait_for_message(resident.id, lambda m: CODE.search(m.get("text", "")))
    code = CODE.search(receipt["text"]).group(0)
    failed = [c for c in fake.calls_to("sendMessage")
              if c.params.get("chat_id") == resident.id and c.status == 502]
    assert len(failed) == 1  # the direct answer really failed; the outbox sent it after
    await harness.settle()
    receipts = [m for m in fake.sent_messages(resident.id) if code in m.get("text", "")]
    assert len(receipts) == 1
    tip = await tip_record(harness, code)
    assert tip.unit_code == "TT-BINHTHANH"
    async with harness.bot.services.db.reading() as conn:
        to_tipster = (await conn.execute(select(outbox.c.tip_id)
                                         .where(outbox.c.address.is_(None)))).all()
    assert [r.tip_id for r in to_tipster] == [tip.id]  # through the relay link, not a chat id
    assert "a receipt could not be sent (NetworkError)" in harness.logs.getvalue()


async def test_staff_status_shows_the_content_and_the_tipster_sees_their_own_status(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident, texts=("Có người bán ma túy",),
                                 photo=True)
    await notice_for(fake, people.officer, code, lambda m: "photo" in m)  # notices are out
    staff_view = (await say(fake, people.officer, f"/status {code}"))["text"]
    assert "Nội dung:" in staff_view and "Có người bán ma túy" in staff_view
    assert "[ảnh] ảnh chụp lúc 21h" in staff_view
    assert "photo" not in staff_view and "file" not in staff_view  # no file id shown
    tipster_view = (await say(fake, people.resident, f"/status {code}"))["text"]
    assert code in tipster_view and "Nội dung:" not in tipster_view
    foreign = (await say(fake, people.other_officer, f"/status {code}"))["text"]
    assert "ma túy" not in foreign


async def test_abandoned_drafts_expire_and_recent_ones_stay(harness):
    fake, resident = harness.fake, harness.people.resident
    neighbour = fake.user("Hàng Xóm")
    categories = await say(fake, resident, "/start tip_TT-BINHTHANH")
    await press(fake, resident, categories, "ti:c:theft")
    await say(fake, resident, "viết dở rồi bỏ đó")
    harness.clock.advance(timedelta(days=ABANDONED_DRAFT_DAYS - 1))
    await say(fake, neighbour, "/start tip_TT-BINHTHANH")  # started a day before the purge
    harness.clock.advance(timedelta(days=1, minutes=1))
    assert await expire_abandoned_drafts(harness.bot.services) == 1
    assert "chưa hiểu" in (await say(fake, resident, "phần tiếp theo"))["text"]
    still = await say(fake, neighbour, "vẫn còn")  # the neighbour's draft is still there
    assert "chưa hiểu" not in still["text"]
