"""Files a resident sends on Zalo, end to end (issue 17, SPEC §3.1, §12): a photo and a document
sent to the OA become parts of the tip, cleaned (the photo's EXIF with its GPS position gone, the
document renamed and its author removed), and reach the Telegram officer as copies labelled with
the tip's code, answering the tip's notice; the first copy uploads the bytes, the others go by
the file id Telegram gave it. A file over the cap and a link that fails are refused with a clear
answer and nothing kept; the link and the Zalo id are in no database file and no log line."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from sqlalchemy import select

from storage.schema import metadata
from storage.tip_media import media_count, tip_media
from tests.e2e.test_zalo_residents import harness_no_zalo_id
from tests.e2e.zalo_oa_harness import ZaloHarness, bot_with_zalo
from tests.unit.test_exif import app1_exif, exif_tiff, jpeg

GPS_PHOTO = jpeg(app1_exif(exif_tiff()))
DOCX_AUTHOR = "Nguyễn Văn Tố Giác"


@pytest.fixture
async def harness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


def docx_with_author(author: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Biên bản</w:document>")
        archive.writestr("docProps/core.xml",
                         f"<cp:coreProperties><dc:creator>{author}</dc:creator>"
                         "</cp:coreProperties>")
    return out.getvalue()


async def answers(harness: ZaloHarness, user: Any, send: Any) -> list[dict[str, Any]]:
    """What the OA answered to one thing ``user`` did (``send``: a coroutine of the emulator)."""
    before = len(harness.zalo.sent_to(user.chat))
    response = await send
    assert response is not None and response.status_code == 200
    return [sent.message for sent in harness.zalo.sent_to(user.chat)[before:]]


async def start_tip(harness: ZaloHarness, user: Any) -> None:
    await harness.writes(user, "báo tin")
    await harness.writes(user, "xã bình thành")  # no units under it: the categories
    [collect] = await harness.writes(user, "1")
    assert "phần" not in collect["text"]


def media_urls(harness: ZaloHarness) -> list[str]:
    return [harness.zalo.base_url + path for path in harness.zalo.media]


async def test_a_photo_and_a_document_from_zalo_reach_the_officers_cleaned_and_labelled(
        harness):
    fake, people, zalo = harness.fake, harness.people, harness.zalo
    resident = zalo.user("Nguyễn Thị Ảnh")
    await start_tip(harness, resident)
    [added] = await answers(harness, resident,
                            zalo.user_sends_image(resident, "Xe đậu trước nhà", GPS_PHOTO))
    assert "phần 1" in added["text"]
    said = await answers(harness, resident, zalo.user_sends_file(
        resident, docx_with_author(DOCX_AUTHOR), f"{DOCX_AUTHOR} - to cao.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    assert "phần 2" in said[-1]["text"]
    [receipt] = await harness.writes(resident, "Gửi tin báo")
    code = next(word for word in receipt["text"].replace(",", " ").split()
                if word.startswith("TIP-"))

    # The officer of Xã Bình Thành: the notice, then each part as a copy naming the code.
    officer = people.other_officer.id
    notice = await fake.wait_for_message(officer, lambda m: code in (m.get("text") or "")
                                         and "photo" not in m and "document" not in m)
    photo = await fake.wait_for_message(officer, lambda m: "photo" in m)
    document = await fake.wait_for_message(officer, lambda m: "document" in m)
    for copy in (photo, document):
        assert code in copy["caption"]
        assert copy["reply_to_message"]["message_id"] == notice["message_id"]
    assert "Xe đậu trước nhà" in photo["caption"]
    photo_bytes = fake.world.files[photo["photo"][-1]["file_id"]].data
    assert photo_bytes.startswith(b"\xff\xd8") and b"Exif" not in photo_bytes
    assert photo_bytes == jpeg()  # the same image data, without what was written around it
    assert document["document"]["file_name"] == "tin-bao.docx"
    document_bytes = fake.world.files[document["document"]["file_id"]].data
    with zipfile.ZipFile(io.BytesIO(document_bytes)) as archive:
        assert DOCX_AUTHOR not in archive.read("docProps/core.xml").decode()
        assert archive.read("word/document.xml").decode() == "<w:document>Biên bản</w:document>"

    # Every officer who gets the tip gets the copies; each file went up once, then by its id.
    photo_sends = fake.calls_to("sendPhoto")
    uploads = [call for call in photo_sends if call.files]
    assert len(photo_sends) >= 2 and len(uploads) == 1  # the officer and the district's admin
    assert all(call.params.get("photo") for call in photo_sends if not call.files)
    async with harness.bot.services.db.reading() as conn:
        kept = (await conn.execute(select(tip_media.c.tip_id, tip_media.c.draft_sender,
                                          tip_media.c.telegram_file_id,
                                          tip_media.c.file_name))).all()
    assert len(kept) == 2 and all(row.tip_id is not None and row.draft_sender is None
                                  and row.telegram_file_id for row in kept)
    assert {row.file_name for row in kept} == {"tin-bao.jpg", "tin-bao.docx"}

    # Anonymity: no Zalo link, no file name, no Zalo id anywhere the bot writes.
    await harness_no_zalo_id(harness, resident.id)
    await no_trace_of(harness, [*media_urls(harness), DOCX_AUTHOR, resident.id])


async def no_trace_of(harness: ZaloHarness, secrets: list[str]) -> None:
    """None of ``secrets`` (nor a link's file name) in any row of any table (both backends),
    in the SQLite files (WAL included), or in the log."""
    secrets = [*secrets, *(s.rsplit("/", 1)[1] for s in secrets if s.startswith("http"))]
    async with harness.bot.services.db.reading() as conn:
        rows = [repr(tuple(row)) for table in metadata.sorted_tables
                for row in (await conn.execute(select(table))).all()]
    written = "\n".join(rows)
    assert "tin-bao.jpg" in written  # the kept copies were read
    for secret in secrets:
        assert secret not in written
    if harness.bot.services.db.dialect == "sqlite":
        data = harness.config_path.parent / "data"
        for path in (p for p in data.iterdir() if p.name.startswith("bot.db")):
            content = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, path.name
    logs = harness.logs.getvalue()
    for secret in secrets:
        assert secret not in logs


async def test_a_file_over_the_cap_and_a_broken_link_are_refused_and_nothing_is_kept(
        harness):
    zalo = harness.zalo
    resident = zalo.user("Trần Văn Lớn")
    await start_tip(harness, resident)
    big = b"\x00" * (20 * 1024 * 1024 + 1)
    [refused] = await answers(harness, resident, zalo.user_sends_video(resident, big))
    assert "quá lớn" in refused["text"] and "20 MB" in refused["text"]
    [failed] = await answers(harness, resident, zalo.user_sends_broken_link(resident))
    assert "không tải được" in failed["text"]
    async with harness.bot.services.db.reading() as conn:
        assert await media_count(conn) == 0
    # The tip goes on: words are still taken.
    [added] = await harness.writes(resident, "Có người lạ")
    assert "phần 1" in added["text"]


async def test_an_image_from_a_person_who_does_not_follow_the_oa_is_taken_too(harness):
    zalo = harness.zalo
    person = zalo.anonymous_person("Người ẩn danh")
    await start_tip(harness, person)
    [added] = await answers(harness, person, zalo.user_sends_image(person, "", GPS_PHOTO))
    assert "phần 1" in added["text"]
    [added] = await answers(harness, person, zalo.user_sends_audio(person, b"#!AMR\n" + b"1" * 64))
    assert "phần 2" in added["text"]
    await harness.writes(person, "Gửi tin báo")
    officer = harness.people.other_officer.id
    await harness.fake.wait_for_message(officer, lambda m: "photo" in m)
    voice = await harness.fake.wait_for_message(officer, lambda m: "document" in m)
    assert voice["document"]["file_name"] == "tin-bao.amr"
    assert "ghi âm" in voice["caption"]  # labelled as what it was: a voice message
    await no_trace_of(harness, [*media_urls(harness), person.id, person.conversation_id])


async def test_a_sticker_like_kind_is_answered_with_what_a_tip_takes(harness):
    zalo = harness.zalo
    resident = zalo.user("Lê Văn Nhãn")
    await start_tip(harness, resident)
    event = zalo.signed_event("user_send_sticker", resident.id, zalo.oa_id, {
        "attachments": [{"type": "sticker", "payload": {"id": "abc", "url": "https://x/y"}}]})
    [answer] = await answers(harness, resident, zalo.post_event(event))
    assert "nhãn dán" in answer["text"] and "ảnh" in answer["text"]
