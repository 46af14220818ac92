"""Zalo's upload calls against the emulator, over HTTP (``channels.zalo_oa.uploads``,
``emulators.zalo_oa.uploads``): an image and a file get the ids Zalo issues, a file over Zalo's
limit or of a type it does not take is refused with an envelope, a refused access token is
renewed and the upload asked again, and a message naming an id Zalo did not issue, or one it
no longer keeps, is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from channels.zalo_oa.addresses import group_address
from channels.zalo_oa.api import ZaloApiError, ZaloTransportError
from channels.zalo_oa.uploads import FileToUpload, ZaloUploads
from core.outbound import Media, MediaKind, OutboundMessage, Rejected
from emulators.zalo_oa import FakeZaloOA

from .zalo_steps import Wired, running_zalo, zalo_channel

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloOA]:
    async with running_zalo() as running:
        yield running


@pytest.fixture
async def wired(db, zalo) -> AsyncIterator[Wired]:
    async with zalo_channel(db, zalo, zalo.first_refresh_token()) as wired:
        yield wired


def _uploads(wired: Wired, zalo: FakeZaloOA) -> ZaloUploads:
    return ZaloUploads(wired.api)


async def test_an_image_and_a_file_get_the_ids_zalo_issues(wired, zalo):
    uploads = _uploads(wired, zalo)
    image = await uploads.upload(FileToUpload(MediaKind.PHOTO, PNG, "ban-tin.png", "image/png"))
    token = await uploads.upload(FileToUpload(MediaKind.DOCUMENT, PDF, "ban-tin.pdf",
                                              "application/pdf"))
    assert image in zalo.attachment_ids and token in zalo.file_tokens
    assert [(path, size) for path, _, size in zalo.uploads] == [
        ("/v2.0/oa/upload/image", len(PNG)), ("/v2.0/oa/upload/file", len(PDF))]


async def test_files_over_zalos_limits_or_of_other_types_are_refused(wired, zalo):
    uploads = _uploads(wired, zalo)
    big_image = PNG + b"\x00" * (1024 * 1024)
    with pytest.raises(ZaloApiError) as too_big:
        await uploads.upload(FileToUpload(MediaKind.PHOTO, big_image, "a.png", "image/png"))
    assert too_big.value.code == -210 and "file size" in too_big.value.message
    with pytest.raises(ZaloApiError) as not_an_image:
        await uploads.upload(FileToUpload(MediaKind.PHOTO, b"GIF89a", "a.gif", "image/gif"))
    assert not_an_image.value.code == -201
    with pytest.raises(ZaloApiError) as sheet:
        await uploads.upload(FileToUpload(MediaKind.DOCUMENT, b"PK\x03\x04", "a.xlsx",
                                          "application/vnd.ms-excel"))
    assert sheet.value.code == -201
    big_file = PDF + b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(ZaloApiError) as too_long:
        await uploads.upload(FileToUpload(MediaKind.DOCUMENT, big_file, "a.pdf",
                                          "application/pdf"))
    assert too_long.value.code == -210
    assert zalo.uploads == [] and zalo.attachment_ids == set()


async def test_a_refused_access_token_is_renewed_and_the_upload_asked_again(wired, zalo):
    uploads = _uploads(wired, zalo)
    await wired.keeper.access_token()
    zalo.expire_access_tokens()
    image = await uploads.upload(FileToUpload(MediaKind.PHOTO, PNG, "ban-tin.png", "image/png"))
    assert image in zalo.attachment_ids
    assert len([call for call in zalo.calls if call.path == "/v2.0/oa/upload/image"]) == 2


async def test_a_group_message_naming_an_id_zalo_did_not_issue_or_no_longer_keeps_is_refused(
    wired, zalo,
):
    group = zalo.group("Tổ Ấp 1")
    to = group_address(group.id)
    with pytest.raises(Rejected, match="attachment"):
        await wired.channel.send(to, OutboundMessage(
            "Ảnh", media=Media(MediaKind.PHOTO, "AgACAgIAAxkBAAI00000001PHOfake")))
    image = await _uploads(wired, zalo).upload(
        FileToUpload(MediaKind.PHOTO, PNG, "ban-tin.png", "image/png"))
    await wired.channel.send(to, OutboundMessage("Ảnh", media=Media(MediaKind.PHOTO, image)))
    zalo.advance(8 * 24 * 3600)  # Zalo keeps an uploaded image at most 7 days
    await wired.keeper.access_token()
    with pytest.raises(Rejected, match="attachment"):
        await wired.channel.send(to, OutboundMessage("Ảnh", media=Media(MediaKind.PHOTO, image)))
    assert len(zalo.sent_to(f"group:{group.id}")) == 1


async def test_an_upload_answered_too_late_never_may_have_arrived_and_is_asked_again(db, zalo):
    # A send answered late may have been carried out (uncertain); an upload answered late is
    # only an unused id on Zalo's side, so the caller may simply ask again.
    async with zalo_channel(db, zalo, zalo.first_refresh_token(), read_timeout=0.2) as wired:
        uploads = _uploads(wired, zalo)
        zalo.inject_delay("/v2.0/oa/upload/image", 1.0)
        with pytest.raises(ZaloTransportError) as late:
            await uploads.upload(FileToUpload(MediaKind.PHOTO, PNG, "ban-tin.png", "image/png"))
        assert late.value.may_have_arrived is False
        assert "ReadTimeout" in str(late.value)
        image = await uploads.upload(FileToUpload(MediaKind.PHOTO, PNG, "ban-tin.png",
                                                  "image/png"))
    assert [issued for _, issued, _ in zalo.uploads][-1] == image
    assert len(zalo.uploads) == 2


async def test_an_answer_naming_the_id_as_data_itself_is_read_too(wired, zalo):
    zalo.bare_upload_ids = True
    token = await _uploads(wired, zalo).upload(
        FileToUpload(MediaKind.DOCUMENT, PDF, "ban-tin.pdf", "application/pdf"))
    assert token in zalo.file_tokens


async def test_a_send_answered_too_late_may_have_arrived(db, zalo):
    # The same client, for a message rather than an upload: the other rule still holds.
    group = zalo.group("Tổ Ấp 2")
    async with zalo_channel(db, zalo, zalo.first_refresh_token(), read_timeout=0.2) as wired:
        zalo.inject_delay(f"group:{group.id}", 1.0)
        with pytest.raises(ZaloTransportError) as late:
            await wired.api.post("/v3.0/oa/group/message", {
                "recipient": {"group_id": group.id}, "message": {"text": "Chào"}})
    assert late.value.may_have_arrived is True
