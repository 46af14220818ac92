"""A resident on the Zalo Bot, end to end (SPEC §3, §13): the real bot with ``[zalo_bot]``, staff
on the Telegram emulator, the resident on the Zalo Bot emulator. The same tip flow as Telegram
and the Zalo OA, typed, with choices as numbered lines (the platform has no buttons); the
officer triages and asks on Telegram, the resident answers on Zalo; no Zalo id anywhere the bot
writes. ``getUpdates`` has no offset: a message delivered again is dropped, also after a
restart; the webhook takes only posts with the secret token."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import text

from emulators.zalo_bot import SECRET_HEADER, FakeZaloBot, ZaloBotUser
from tests.e2e.tip_steps import CODE, button_data, press, say
from tests.e2e.zalo_bot_chat import WEBHOOK_SECRET, ZaloBotHarness, bot_with_zalo_bot
from tests.unit.test_exif import app1_exif, exif_tiff, jpeg


@pytest.fixture
async def zalo():
    emulator = FakeZaloBot()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def harness(fake, zalo, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo_bot(fake, zalo, people, tmp_path, clock,
                                 e2e_storage_url) as running:
        yield running


def number_of(text: str, label: str) -> str:
    """The number of the choice ``label`` among the numbered lines of ``text``."""
    match = re.search(rf"^(\d+)\. {re.escape(label)}$", text, re.MULTILINE)
    assert match is not None, (label, text)
    return match.group(1)


async def file_tip_on_zalo_bot(harness: ZaloBotHarness, user: ZaloBotUser, words: str) -> str:
    """"báo tin" → Xã Tân Thành → this commune → Ma túy → words → "Gửi tin báo", every choice
    typed as its number; returns the receipt's code."""
    [units] = await harness.writes(user, "báo tin")
    assert "đơn vị nào" in units
    [inside] = await harness.writes(user, number_of(units, "Xã Tân Thành"))
    assert "Ấp 1" in inside
    [categories] = await harness.writes(user, "1")  # "✔ Chọn Xã Tân Thành"
    [collect] = await harness.writes(user, number_of(categories, "Ma túy"))
    assert "Ma túy" in collect
    [added] = await harness.writes(user, words)
    assert "phần 1" in added
    [receipt] = await harness.writes(user, number_of(added, "Gửi tin báo"))
    match = CODE.search(receipt)
    assert match is not None, receipt
    assert f"/trangthai {match.group(0)}" in receipt, receipt  # Zalo's typed commands
    return match.group(0)


async def test_a_zalo_bot_resident_files_a_tip_an_officer_triages_and_asks_they_answer(
        harness):
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.user("Nguyễn Văn Zalo Bot")
    code = await file_tip_on_zalo_bot(harness, resident, "Có người bán ma túy ở bến đò")
    notice = await fake.wait_for_message(
        people.officer.id, lambda m: code in (m.get("text") or "") and "reply_markup" in m)
    # Triage on Telegram: the resident hears the neutral words on Zalo.
    before = len(zalo.sent_to(resident.id))
    await press(fake, people.officer, notice, button_data(notice, "tt:v:")[0],
                expect_reply=False)
    sent = await zalo.wait_until_sent(resident.id, before + 1)
    assert code in sent[before].body["text"] and "xác minh" in sent[before].body["text"]
    # The officer's question reaches the resident through the sealed relay link.
    before = len(zalo.sent_to(resident.id))
    assert code in (await say(fake, people.officer, f"/reply {code} Mấy giờ thì có?"))["text"]
    sent = await zalo.wait_until_sent(resident.id, before + 1)
    assert "Mấy giờ thì có?" in sent[before].body["text"] and code in sent[before].body["text"]
    assert f"/traloi {code}" in sent[before].body["text"]  # Zalo's words, not Telegram's reply
    # The resident answers with /traloi and asks how the tip is going.
    assert code in " ".join(await harness.writes(resident, f"/traloi {code} Khoảng 10 giờ tối"))
    await fake.wait_for_message(people.officer.id,
                                lambda m: "10 giờ tối" in (m.get("text") or ""))
    status = " ".join(await harness.writes(resident, f"/trangthai {code}"))
    assert code in status and "10 giờ tối" in status
    # Someone else learns nothing from the code.
    other = zalo.user("Người khác")
    assert code not in " ".join(await harness.writes(other, f"/trangthai {code}"))
    await assert_no_zalo_identity(harness, resident)


async def assert_no_zalo_identity(harness: ZaloBotHarness, user: ZaloBotUser) -> None:
    """The Zalo id and name are in no database file (WAL included), no log line, and nothing
    sent to staff."""
    forms = [user.id, user.display_name]
    if harness.bot.services.db.dialect == "sqlite":
        data = harness.config_path.parent / "data"
        files = [p for p in data.iterdir() if p.name.startswith("bot.db")]
        assert any(p.name == "bot.db-wal" for p in files)  # the WAL really is checked
        for path in files:
            content = path.read_bytes()
            for form in forms:
                assert form.encode() not in content, (path.name, form)
    else:
        await assert_in_no_table(harness, forms)
    logs = harness.logs.getvalue()
    assert "Zalo Bot channel started" in logs  # the log really captured this run
    for form in forms:
        assert form not in logs
    staff_chats = {harness.people.officer.id, harness.people.admin.id}
    to_staff = [m for m in harness.fake.sent_messages() if m["chat"]["id"] in staff_chats]
    assert to_staff and not any(form in repr(m) for m in to_staff for form in forms)


async def assert_in_no_table(harness: ZaloBotHarness, forms: list[str]) -> None:
    """PostgreSQL: every value of every table, as the database returns it."""
    async with harness.bot.services.db.reading() as conn:
        names = (await conn.execute(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()"))).scalars().all()
        assert "tips" in names and "zalo_bot_handled_messages" in names
        seen = 0
        for name in names:
            for row in await conn.execute(text(f'SELECT * FROM "{name}"')):
                for value in row:
                    seen += 1
                    shown = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    assert not any(form in shown for form in forms), (name, value)
    assert seen > 0


async def test_help_privacy_cancel_and_a_photo_on_the_zalo_bot(harness):
    zalo = harness.zalo
    resident = zalo.user("Trần Thị Hỏi")
    assert "chưa hiểu" in " ".join(await harness.writes(resident, "xin chào"))
    assert "/trangthai MÃ" in " ".join(await harness.writes(resident, "/help"))
    assert "Bot lưu gì" in " ".join(await harness.writes(resident, "/baomat"))
    [units] = await harness.writes(resident, "/baotin")
    assert "1. " in units and "Trả lời" in units  # numbered lines, and how to answer
    [categories] = await harness.writes(resident, number_of(units, "Xã Bình Thành"))
    [collect] = await harness.writes(resident, number_of(categories, "Ma túy"))
    assert "Ma túy" in collect
    before = len(zalo.sent_to(resident.id))
    await zalo.user_sends_image(resident, "xe lạ", data=jpeg(app1_exif(exif_tiff())))
    [answer] = (await zalo.wait_until_sent(resident.id, before + 1))[before:]
    assert "phần 1" in answer.body["text"]  # a photo is a part, its EXIF stripped
    before = len(zalo.sent_to(resident.id))
    await zalo.user_sends_image(resident)  # its link serves nothing
    [answer] = (await zalo.wait_until_sent(resident.id, before + 1))[before:]
    assert "không tải được" in answer.body["text"]
    before = len(zalo.sent_to(resident.id))
    await zalo.user_sends_sticker(resident)
    [answer] = (await zalo.wait_until_sent(resident.id, before + 1))[before:]
    assert "nhãn dán" in answer.body["text"] and "ảnh" in answer.body["text"]
    assert "Đã hủy tin báo" in " ".join(await harness.writes(resident, "/huy"))


async def test_a_message_delivered_again_is_dropped_also_after_a_restart(
        fake, zalo, people, tmp_path, clock, e2e_storage_url):
    resident = zalo.user("Lê Văn Lặp")
    async with bot_with_zalo_bot(fake, zalo, people, tmp_path, clock,
                                 e2e_storage_url) as harness:
        [units] = await harness.writes(resident, "báo tin", message_id="aa00000000000000001")
        assert "đơn vị nào" in units
        # getUpdates has no offset: the platform hands the same update out again.
        await zalo.deliver_again("aa00000000000000001")
        # Updates are handled in order: once the next one is answered, the repeat was seen.
        [answer] = await harness.writes(resident, "/huy")
        assert "Đã hủy tin báo" in answer
        assert len(zalo.sent_to(resident.id)) == 2
    async with bot_with_zalo_bot(fake, zalo, people, tmp_path, clock,
                                 e2e_storage_url) as harness:
        await zalo.deliver_again("aa00000000000000001")
        [answer] = await harness.writes(resident, "/baomat")
        assert "Bot lưu gì" in answer
        assert len(zalo.sent_to(resident.id)) == 3
        assert "zalo_bot: ignored a replayed event (repeated)" in harness.logs.getvalue()


async def test_the_webhook_takes_only_the_secret_token_and_each_message_once(
        fake, zalo, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo_bot(fake, zalo, people, tmp_path, clock, e2e_storage_url,
                                 mode="webhook") as harness:
        assert zalo.webhook_url is not None and zalo.webhook_secret == WEBHOOK_SECRET
        resident = zalo.user("Phạm Thị Móc")
        from emulators.zalo_bot.world import update_of

        forged = update_of(resident, {"text": "báo tin"}, "message.text.received", 0)
        for secret in (None, "not-the-secret-token"):
            response = await zalo.post_to_webhook(forged, secret)
            assert response.status_code == 403
        assert zalo.sent_to(resident.id) == []
        async with httpx.AsyncClient() as client:  # not an update at all
            response = await client.post(zalo.webhook_url, content=b"[]",
                                         headers={SECRET_HEADER: WEBHOOK_SECRET})
        assert response.status_code == 400
        [units] = await harness.writes(resident, "báo tin", message_id="bb00000000000000001")
        assert "đơn vị nào" in units
        response = await zalo.deliver_again("bb00000000000000001")
        assert response is not None and response.status_code == 200
        assert len(zalo.sent_to(resident.id)) == 1
        logs = harness.logs.getvalue()
        assert WEBHOOK_SECRET not in logs and zalo.token not in logs


async def test_a_refused_token_leaves_the_channel_off_and_the_bot_runs_on(
        fake, zalo, people, tmp_path, clock, e2e_storage_url):
    revoked = "1459232241454765289:revoked-by-the-bot-owner"
    async with bot_with_zalo_bot(fake, zalo, people, tmp_path, clock, e2e_storage_url,
                                 token=revoked) as harness:
        assert harness.bot.zalo_bot is None
        assert "đơn vị nào" in (await say(fake, people.resident, "/tip"))["text"]
        logs = harness.logs.getvalue()
        assert "refused the token in ZALO_BOT_TOKEN" in logs
        assert "revoked-by-the-bot-owner" not in logs
    assert zalo.polls == 0 and zalo.sent == []  # refused at getMe: nothing more was asked


async def test_a_photo_sent_to_the_zalo_bot_reaches_the_officer_without_its_exif(harness):
    """The platform links the photo (``message.photo``); the bot downloads it, strips what was
    written around the picture and the officer gets that copy, labelled with the code; the link
    and the chat id are nowhere the bot writes."""
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.user("Lê Thị Ảnh Bot")
    [units] = await harness.writes(resident, "báo tin")
    await harness.writes(resident, number_of(units, "Xã Tân Thành"))
    [categories] = await harness.writes(resident, "1")
    await harness.writes(resident, number_of(categories, "Ma túy"))
    before = len(zalo.sent_to(resident.id))
    await zalo.user_sends_image(resident, "xe lạ ở ngõ", data=jpeg(app1_exif(exif_tiff())))
    [added] = (await zalo.wait_until_sent(resident.id, before + 1))[before:]
    assert "phần 1" in added.body["text"]
    [receipt] = await harness.writes(resident, number_of(added.body["text"], "Gửi tin báo"))
    code = CODE.search(receipt).group(0)
    photo = await fake.wait_for_message(people.officer.id, lambda m: "photo" in m)
    assert code in photo["caption"] and "xe lạ ở ngõ" in photo["caption"]
    assert fake.world.files[photo["photo"][-1]["file_id"]].data == jpeg()
    links = [zalo.base_url + path for path in zalo.media]
    logs = harness.logs.getvalue()
    assert links and not any(link in logs or link.rsplit("/", 1)[1] in logs for link in links)
    assert resident.id not in logs
