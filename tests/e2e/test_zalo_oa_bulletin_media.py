"""A photo bulletin composed on Telegram reaching Zalo OA groups (issue 17, SPEC §12, §13): the
photo is read from Telegram once, uploaded to Zalo once (``/v2.0/oa/upload/image``) for every OA
group, and each group gets an image message naming the attachment id the emulator issued, beside
the Telegram groups, exactly once each. A photo Zalo refuses (over its 1 MB) reaches the OA groups
as the words with the photo described, and the rows are sent, not failed; the officer's summary
says how many OA groups got the words only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from channels.zalo_oa.addresses import group_address
from core.outbound import Media, MediaKind, OutboundMessage, RetryLater
from storage.schema import bulletins, deliveries
from storage.zalo_uploads import zalo_uploads
from tests.e2e.bulletin_steps import group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.test_groups_and_staff import reply_to
from tests.e2e.zalo_oa_harness import bot_with_zalo

IMAGE_UPLOAD = "/v2.0/oa/upload/image"
FILE_UPLOAD = "/v2.0/oa/upload/file"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
TOO_BIG_PHOTO = JPEG_HEAD + b"\x00" * (1024 * 1024 + 1)


@pytest.fixture
async def zharness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


async def _photo_bulletin(zharness, caption: str, *, document: tuple[str, bytes] | None = None,
                          video: bool = False, **photo):
    fake, people, zalo = zharness.fake, zharness.people, zharness.zalo
    services = zharness.bot.services
    telegram_groups = await link(fake, services.db, "TT-TANTHANH", 1, services.clock)
    oa_groups = [zalo.group(f"Zalo Ấp {n}", members=20) for n in (1, 2)]
    for group in oa_groups:
        await reply_to(fake, people.officer, f"/dangky TT-TANTHANH zalo:{group.id}")
    await reply_to(fake, people.officer, "/bulletin")
    if document is not None:
        fake.send_document(people.officer, *document, caption=caption)
    elif video:
        fake.send_video(people.officer, caption=caption)
    else:
        fake.send_photo(people.officer, caption=caption, **photo)
    topics = await fake.wait_for_message(people.officer.id, lambda m: "chủ đề" in m["text"])
    fake.press_button(people.officer, topics, "bc:topic:theft")
    await fake.wait_for_call("editMessageText")
    fake.press_button(people.officer, topics, "bc:now")
    summary = await fake.wait_for_message(
        people.officer.id, lambda m: "Kết quả gửi" in m.get("text", ""), timeout=20)
    return telegram_groups, oa_groups, summary


async def _statuses(services) -> list[str]:
    async with services.db.reading() as conn:
        return sorted(row.status for row in await conn.execute(select(deliveries.c.status)))


async def test_a_photo_bulletin_reaches_oa_groups_as_an_image_uploaded_once(zharness):
    fake, zalo = zharness.fake, zharness.zalo
    telegram_groups, oa_groups, summary = await _photo_bulletin(zharness, "Đối tượng trộm chó")

    assert "đã gửi 3/3 nhóm" in summary["text"]
    assert "chỉ nhận phần chữ" not in summary["text"]
    assert [group_copies(fake, chat.id) for chat in telegram_groups] == [1]
    assert "photo" in fake.sent_messages(telegram_groups[0].id)[0]
    [upload] = zalo.uploads  # one upload for two OA groups
    assert upload[0] == IMAGE_UPLOAD
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        [element] = copy.message["attachment"]["payload"]["elements"]
        assert element == {"media_type": "image", "attachment_id": upload[1]}
        assert "Đối tượng trộm chó" in copy.message["text"]
        assert "có kèm" not in copy.message["text"]
    assert await _statuses(zharness.bot.services) == ["sent"] * 3
    async with zharness.bot.services.db.reading() as conn:
        [kept] = list(await conn.execute(select(zalo_uploads)))
    assert kept.zalo_id == upload[1] and kept.refused_reason is None


async def test_a_photo_zalo_refuses_is_described_in_words_and_the_rows_are_sent(zharness):
    fake, zalo = zharness.fake, zharness.zalo
    telegram_groups, oa_groups, summary = await _photo_bulletin(
        zharness, "Ảnh camera khu chợ", data=TOO_BIG_PHOTO)

    # Sent to all three, and the officer reads that the OA groups got the words without it.
    header, words_only = summary["text"].splitlines()[:2]
    assert "đã gửi 3/3 nhóm" in header
    assert words_only == ("2 nhóm Zalo OA chỉ nhận phần chữ, không kèm ảnh: Zalo không nhận tệp "
                          "này (quá lớn hoặc không đúng loại).")
    assert "photo" in fake.sent_messages(telegram_groups[0].id)[0]
    # Over Zalo's published 1 MB: known without spending an upload of the month's quota.
    assert [call for call in zalo.calls if call.path == IMAGE_UPLOAD] == []
    async with zharness.bot.services.db.reading() as conn:
        [kept] = list(await conn.execute(select(zalo_uploads)))
    assert kept.zalo_id is None and "over Zalo's 1048576" in kept.refused_reason
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        assert "attachment" not in copy.message
        lines = copy.message["text"].splitlines()
        assert lines[1] == "📎 Bản tin có kèm ảnh (kênh này không gửi được tệp)."
        assert "Ảnh camera khu chợ" in copy.message["text"]
    assert await _statuses(zharness.bot.services) == ["sent"] * 3


async def test_an_id_zalo_no_longer_knows_is_uploaded_again_and_the_copy_retried(zharness):
    zalo, channel = zharness.zalo, zharness.bot.zalo.channel
    _, oa_groups, _ = await _photo_bulletin(zharness, "Đối tượng trộm chó")
    [first] = zalo.uploads
    message = zalo.sent_to(f"group:{oa_groups[0].id}")[0].message
    zalo.forget_uploads()  # Zalo dropped the image (it keeps one at most 7 days)
    zharness.clock.advance(timedelta(hours=1))  # an id given an hour ago may have expired

    bulletin = await _bulletin_photo(zharness)
    again = OutboundMessage(message["text"], media=Media(MediaKind.PHOTO, bulletin))
    with pytest.raises(RetryLater) as retry:
        await channel.send(group_address(oa_groups[0].id), again)
    assert retry.value.seconds == 0  # the row's retry uploads the photo again
    await channel.send(group_address(oa_groups[0].id), again)
    [_, second] = zalo.uploads
    assert second[1] != first[1]
    latest = zalo.sent_to(f"group:{oa_groups[0].id}")[-1]
    assert latest.message["attachment"]["payload"]["elements"][0]["attachment_id"] == second[1]


async def _bulletin_photo(zharness) -> str:
    async with zharness.bot.services.db.reading() as conn:
        return (await conn.execute(select(bulletins.c.media_file_id))).scalar_one()


async def test_a_document_bulletin_reaches_oa_groups_as_its_words_then_the_file(zharness):
    zalo = zharness.zalo
    _, oa_groups, summary = await _photo_bulletin(
        zharness, "Thông báo lịch tuần tra", document=("lich-tuan-tra.pdf", PDF))

    assert "đã gửi 3/3 nhóm" in summary["text"]
    assert "chỉ nhận phần chữ" not in summary["text"]
    [upload] = zalo.uploads  # one upload for two OA groups
    assert upload[0] == FILE_UPLOAD and upload[2] == len(PDF)
    [call] = [call for call in zalo.calls if call.path == FILE_UPLOAD]
    assert call.body["file_name"] == "ban-tin.pdf"  # not the officer's own file name
    for group in oa_groups:
        words, file = zalo.sent_to(f"group:{group.id}")
        assert words.message["text"].startswith("📢 BẢN TIN AN NINH")
        assert "Thông báo lịch tuần tra" in words.message["text"]
        assert "có kèm" not in words.message["text"]
        assert file.message == {"attachment": {"type": "file", "payload": {"token": upload[1]}}}
    assert await _statuses(zharness.bot.services) == ["sent"] * 3


async def test_a_document_of_a_type_zalo_refuses_is_described_in_words(zharness):
    zalo = zharness.zalo
    _, oa_groups, summary = await _photo_bulletin(
        zharness, "Danh sách hộ", document=("danh-sach.xlsx", b"PK\x03\x04 sheet"))

    assert "đã gửi 3/3 nhóm" in summary["text"]
    assert "2 nhóm Zalo OA chỉ nhận phần chữ, không kèm tài liệu" in summary["text"]
    assert zalo.uploads == []
    assert [call for call in zalo.calls if call.path == FILE_UPLOAD] == []
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        assert copy.message["text"].splitlines()[1] == (
            "📎 Bản tin có kèm tài liệu (kênh này không gửi được tệp).")


async def test_a_photo_zalos_upload_refuses_is_asked_once_and_described_for_every_group(zharness):
    zalo = zharness.zalo
    zalo.inject_error(IMAGE_UPLOAD, -201, "file is invalid!")
    _, oa_groups, summary = await _photo_bulletin(zharness, "Ảnh đối tượng")

    assert "đã gửi 3/3 nhóm" in summary["text"]
    assert "2 nhóm Zalo OA chỉ nhận phần chữ, không kèm ảnh" in summary["text"]
    assert len([call for call in zalo.calls if call.path == IMAGE_UPLOAD]) == 1
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        assert "attachment" not in copy.message
        assert "có kèm ảnh" in copy.message["text"]


async def test_an_upload_met_by_zalos_rate_limit_waits_and_the_photo_still_goes(zharness):
    zalo = zharness.zalo
    zharness.bot.zalo.channel.media.rate_limit_wait = 0.2  # Zalo names no wait: ours, shortened
    zalo.inject_error(IMAGE_UPLOAD, -32, "Your application reached limit call api")
    _, oa_groups, summary = await _photo_bulletin(zharness, "Ảnh đối tượng")

    assert "đã gửi 3/3 nhóm" in summary["text"]
    [upload] = zalo.uploads
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        assert copy.message["attachment"]["payload"]["elements"][0]["attachment_id"] == upload[1]


async def test_a_video_bulletin_reaches_oa_groups_as_words_and_the_summary_says_so(zharness):
    zalo = zharness.zalo
    _, oa_groups, summary = await _photo_bulletin(zharness, "Clip camera đầu hẻm", video=True)

    assert "đã gửi 3/3 nhóm" in summary["text"]
    assert "2 nhóm Zalo OA chỉ nhận phần chữ, không kèm video" in summary["text"]
    assert zalo.uploads == []
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        assert "attachment" not in copy.message and "có kèm video" in copy.message["text"]
