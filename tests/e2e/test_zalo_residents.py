"""A resident on Zalo, end to end (SPEC §3, §13): the real bot with ``[zalo_oa]``, staff on the
Telegram emulator, the resident on the Zalo OA emulator, events posted signed to the bot's own
webhook. The same tip flow as Telegram, typed: "báo tin", choices by number and by the text a
button sends back, words, the receipt; the officer's notice and question; ``/trangthai``; and
no Zalo id anywhere the bot writes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from storage.tips_tables import outbox
from tests.e2e.tip_steps import CODE, say
from tests.e2e.zalo_oa_harness import ZaloHarness, bot_with_zalo, button_payloads
from tests.unit.test_exif import jpeg


@pytest.fixture
async def harness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


def text_of(messages: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


async def file_tip_on_zalo(harness: ZaloHarness, user, words: str) -> str:
    """"báo tin" → Xã Tân Thành (its button's text) → "1" (this commune) → category by number →
    words → the "Gửi tin báo" button's text; returns the receipt's code."""
    [units] = await harness.writes(user, "báo tin")
    assert "đơn vị nào" in units["text"]
    assert "Xã Tân Thành" in button_payloads(units)  # ≤5 choices: buttons that send text back
    assert "1. " in units["text"]  # and numbered lines, for clients without buttons
    [inside] = await harness.writes(user, "Xã Tân Thành")  # what the button sends back
    assert "Ấp 1" in inside["text"]
    [categories] = await harness.writes(user, "1")  # "✔ Chọn Xã Tân Thành"
    lines = categories["text"].splitlines()
    number = next(line.split(".")[0] for line in lines if line.endswith("Ma túy"))
    [collect] = await harness.writes(user, number)
    assert "Ma túy" in collect["text"]
    [added] = await harness.writes(user, words)
    assert "phần 1" in added["text"]
    assert button_payloads(added) == ["Gửi tin báo", "Hủy"]
    [receipt] = await harness.writes(user, "Gửi tin báo")
    match = CODE.search(receipt["text"])
    assert match is not None, receipt
    # Zalo's typed commands, not Telegram's (core.channel_words).
    assert f"/trangthai {match.group(0)}" in receipt["text"], receipt
    return match.group(0)


async def test_a_zalo_resident_files_a_tip_an_officer_asks_and_status_works(harness):
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.user("Nguyễn Văn Zalo")
    code = await file_tip_on_zalo(harness, resident, "Có người bán ma túy ở bến đò")
    notice = await fake.wait_for_message(people.officer.id,
                                         lambda m: code in (m.get("text") or ""))
    assert "bến đò" in fake.world.message(notice["chat"]["id"], notice["message_id"])["text"] \
        or any("bến đò" in (m.get("text") or "") for m in fake.sent_messages(people.officer.id))
    # The officer's question reaches the resident on Zalo, through the outbox and the router.
    before = len(zalo.sent_to(f"user:{resident.id}"))
    answer = await say(fake, people.officer, f"/reply {code} Mấy giờ thì có?")
    assert code in answer["text"]
    sent = await zalo.wait_until_sent(f"user:{resident.id}", before + 1)
    [question] = sent[before:]
    assert "Mấy giờ thì có?" in question.message["text"] and code in question.message["text"]
    assert "attachment" not in question.message  # no Telegram-only button came along
    # Worded for Zalo: the typed command, not Telegram's "reply to this message".
    text = question.message["text"]
    assert f"/traloi {code}" in text and "«Trả lời»" not in text
    # The resident answers with /traloi, and asks how the tip is going.
    said = await harness.writes(resident, f"/traloi {code} Khoảng 10 giờ tối")
    assert code in text_of(said)
    await fake.wait_for_message(people.officer.id,
                                lambda m: "10 giờ tối" in (m.get("text") or ""))
    status = text_of(await harness.writes(resident, f"/trangthai {code}"))
    assert code in status and "10 giờ tối" in status
    # Someone else's pseudonym is not the resident's: the code reveals nothing to them.
    other = zalo.user("Người khác")
    assert code not in text_of(await harness.writes(other, f"/trangthai {code}"))
    await harness_no_zalo_id(harness, resident.id)


async def harness_no_zalo_id(harness: ZaloHarness, user_id: str) -> None:
    """The Zalo id is in no database file (WAL included) and no log line."""
    if harness.bot.services.db.dialect == "sqlite":
        data = harness.config_path.parent / "data"
        files = [p for p in data.iterdir() if p.name.startswith("bot.db")]
        assert any(p.name == "bot.db-wal" for p in files)
        for path in files:
            assert user_id.encode() not in path.read_bytes(), path.name
    logs = harness.logs.getvalue()
    assert "zalo" in logs.lower()  # the log really captured this run
    assert user_id not in logs


async def test_commands_in_english_cancel_privacy_and_words_outside_a_tip(harness):
    resident = harness.zalo.user("Trần Thị Zalo")
    assert "chưa hiểu" in text_of(await harness.writes(resident, "xin chào"))
    assert "/trangthai MÃ" in text_of(await harness.writes(resident, "/help"))
    privacy = text_of(await harness.writes(resident, "/privacy"))
    assert privacy and privacy == text_of(await harness.writes(resident, "/BAOMAT"))
    assert "Bot lưu gì" in privacy
    [units] = await harness.writes(resident, "/tip")
    assert "đơn vị nào" in units["text"]
    assert "Đã hủy tin báo" in text_of(await harness.writes(resident, "/huy"))
    assert "Không có thao tác" in text_of(await harness.writes(resident, "/cancel"))
    # After the cancel, a number is words again, not a choice from the list that went.
    assert "chưa hiểu" in text_of(await harness.writes(resident, "2"))
    # Typed in any case, with or without tone marks: the flow starts.
    [units] = await harness.writes(resident, "  BÁO   tin ")
    assert "đơn vị nào" in units["text"]
    [units] = await harness.writes(resident, "bao tin")
    assert "đơn vị nào" in units["text"]


async def test_a_location_and_a_photo_are_parts_and_a_sticker_is_answered_with_what_zalo_takes(
        harness):
    resident = harness.zalo.user("Lê Văn Ảnh")
    await harness.writes(resident, "báo tin")
    [categories] = await harness.writes(resident, "xã bình thành")  # no units under it
    assert "1. Ma túy" in categories["text"]
    [collect] = await harness.writes(resident, "1.")
    assert "Ma túy" in collect["text"] and "phần" not in collect["text"]
    [added] = await harness.sends_location(resident, 10.45, 105.63)
    assert "phần 1" in added["text"]
    before = len(harness.zalo.sent_to(f"user:{resident.id}"))
    await harness.zalo.user_sends_image(resident, data=jpeg())
    [answer] = [s.message for s in harness.zalo.sent_to(f"user:{resident.id}")[before:]]
    assert "phần 2" in answer["text"]
    before = len(harness.zalo.sent_to(f"user:{resident.id}"))
    await harness.zalo.post_event(harness.zalo.signed_event(
        "user_send_sticker", resident.id, harness.zalo.oa_id,
        {"attachments": [{"type": "sticker", "payload": {"id": "1", "url": "https://x/y"}}]}))
    [answer] = [s.message for s in harness.zalo.sent_to(f"user:{resident.id}")[before:]]
    assert "nhãn dán" in answer["text"] and "ảnh" in answer["text"]


async def test_a_refused_refresh_token_stops_zalo_tells_admins_and_the_bot_runs_on(
        fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url,
                             refresh_token="revoked-by-an-oa-admin") as harness:
        notice = await fake.wait_for_message(
            people.admin.id, lambda m: "ZALO_REFRESH_TOKEN" in (m.get("text") or ""))
        assert "Zalo" in notice["text"]
        assert harness.bot.zalo is not None and harness.bot.zalo.keeper.stopped
        # No webhook: Zalo's posts find no one, nothing is done with them.
        with pytest.raises(httpx.ConnectError):
            await harness.zalo.user_sends_text(harness.zalo.user("Ai đó"), "báo tin")
        # Telegram works as before.
        assert "đơn vị nào" in (await say(fake, people.resident, "/tip"))["text"]
        stopped_lines = [line for line in harness.logs.getvalue().splitlines()
                         if "Zalo OA channel stopped" in line]
        assert len(stopped_lines) == 1, stopped_lines
        assert "revoked-by-an-oa-admin" not in harness.logs.getvalue()
    notices = [m for m in fake.sent_messages(people.admin.id)
               if "ZALO_REFRESH_TOKEN" in (m.get("text") or "")]
    assert len(notices) == 1



async def test_a_question_outside_zalos_reply_window_is_not_sent_and_the_officer_is_told(
        harness):
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.user("Phạm Thị Cửa Sổ")
    code = await file_tip_on_zalo(harness, resident, "Trộm xe ở chợ")
    await fake.wait_for_message(people.officer.id, lambda m: code in (m.get("text") or ""))
    harness.advance(timedelta(days=8))  # Zalo takes consultation messages for 7 days
    before = len(zalo.sent_to(f"user:{resident.id}"))
    await say(fake, people.officer, f"/reply {code} Xe biển số mấy?")
    told = await fake.wait_for_message(
        people.officer.id, lambda m: "KHÔNG đến được" in (m.get("text") or ""))
    assert code in told["text"] and "sẽ gửi khi người báo tin nhắn lại" in told["text"]
    assert len(zalo.sent_to(f"user:{resident.id}")) == before
    # The resident writes again: Zalo's window is open, and the question that waited goes.
    await harness.writes(resident, f"/trangthai {code}")
    sent = await zalo.wait_until_sent(f"user:{resident.id}", before + 2)
    assert any("Xe biển số mấy?" in s.message.get("text", "") for s in sent[before:])
    # Sent once, however often the resident writes after that.
    await harness.writes(resident, f"/trangthai {code}")
    async with harness.bot.services.db.reading() as conn:
        rows = (await conn.execute(select(outbox.c.status, outbox.c.payload)
                                   .where(outbox.c.address.is_(None)))).all()
    assert [status for status, payload in rows if "Xe biển số mấy?" in payload] == ["sent"]
    asked = [s for s in zalo.sent_to(f"user:{resident.id}")
             if s.message.get("text", "").startswith("Công an hỏi thêm")]
    assert len(asked) == 1


async def test_a_token_refused_while_running_stops_zalo_and_tells_admins_once(harness):
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.user("Đỗ Văn Chạy")
    assert "đơn vị nào" in text_of(await harness.writes(resident, "báo tin"))
    harness.advance(timedelta(hours=26))  # the access token (25 hours) must be refreshed
    zalo.inject_error("oauth", -14014, "Refresh token is revoked")
    assert await harness.writes(resident, "xin chào") == []  # no answer can go now
    assert await harness.writes(resident, "/huy") == []
    notice = await fake.wait_for_message(
        people.admin.id, lambda m: "ZALO_REFRESH_TOKEN" in (m.get("text") or ""))
    assert "Zalo" in notice["text"]
    await harness.writes(resident, "báo tin")
    notices = [m for m in fake.sent_messages(people.admin.id)
               if "ZALO_REFRESH_TOKEN" in (m.get("text") or "")]
    assert len(notices) == 1
