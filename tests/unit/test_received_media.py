"""What a file sent on Zalo loses before officers get it (``tips.received_media``), or why it is
refused: a photo's EXIF/XMP stripped with its image data unchanged, a document cleaned as on
Telegram, a video that says where it was taken refused, a file over the cap refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.outbound import MediaKind
from storage.tip_records import ItemKind
from tests.unit.test_exif import GPS_JPEG, GPS_PNG, app1_xmp, jpeg, png
from tips.received_media import MAX_MEDIA_BYTES, Received, ReceivedKind, cleaned_copy
from tips.tip_parts import Part


def copy_of(kind: ReceivedKind, data: bytes, mime: str = "", name: str = ""):
    copy = cleaned_copy(Received(kind, data, mime, name))
    assert not isinstance(copy, Part), copy
    return copy


def problem_of(kind: ReceivedKind, data: bytes, mime: str = "", name: str = "") -> str | None:
    refused = cleaned_copy(Received(kind, data, mime, name))
    assert isinstance(refused, Part) and refused.item is None
    return refused.problem


def test_a_photo_loses_its_exif_and_gps_and_keeps_its_image_data():
    copy = copy_of(ReceivedKind.PHOTO, GPS_JPEG, "image/jpeg")
    assert copy.data == jpeg()  # every metadata segment gone, the rest byte for byte
    assert b"Exif" not in copy.data
    assert (copy.item_kind, copy.send_as, copy.file_name) == (ItemKind.PHOTO, MediaKind.PHOTO,
                                                              "tin-bao.jpg")


def test_a_png_photo_loses_its_exif_chunk_and_xmp_in_a_jpeg_goes_too():
    assert copy_of(ReceivedKind.PHOTO, GPS_PNG).data == png()
    xmp = jpeg(app1_xmp(b'<x exif:GPSLatitude="10,27.6N"/>'))
    assert copy_of(ReceivedKind.PHOTO, xmp).data == jpeg()


@pytest.mark.parametrize("data", [
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1",  # HEIC: cannot be checked
    b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    b"\xff\xd8\xff\xd9",  # a JPEG without image data
    b"not an image at all",
])
def test_a_photo_that_cannot_be_checked_is_refused(data):
    assert problem_of(ReceivedKind.PHOTO, data) == "zalo_media.unverifiable"


def test_a_document_is_renamed_and_loses_its_author():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("docProps/core.xml", "<cp><dc:creator>Nguyen Van A</dc:creator></cp>")
        archive.writestr("word/document.xml", "<w:document/>")
    copy = copy_of(ReceivedKind.FILE, out.getvalue(), "application/octet-stream",
                   "Nguyen Van A - to cao.docx")
    assert copy.file_name == "tin-bao.docx" and copy.item_kind is ItemKind.DOCUMENT
    assert b"Nguyen Van A" not in copy.data
    assert copy.document is not None and copy.document.metadata_removed


def test_a_pdf_is_renamed_only_and_the_tipster_can_be_told():
    copy = copy_of(ReceivedKind.FILE, b"%PDF-1.4 /Author (Nguyen Van A)", "application/pdf",
                   "Nguyen Van A.pdf")
    assert copy.file_name == "tin-bao.pdf"
    assert copy.document is not None and not copy.document.metadata_removed


def test_an_image_sent_as_a_file_with_gps_is_refused_as_on_telegram():
    assert problem_of(ReceivedKind.FILE, GPS_JPEG, "image/jpeg", "anh.jpg") == (
        "zalo_media.location")


def test_a_video_that_says_where_it_was_taken_is_refused():
    moov = b"\x00\x00\x00\x20ftypisom" + b"\x00" * 16 + b"udta\xa9xyz+10.4603+105.6329/"
    assert problem_of(ReceivedKind.VIDEO, moov, "video/mp4") == "zalo_media.location"
    plain = copy_of(ReceivedKind.VIDEO, b"\x00\x00\x00\x20ftypisom" + b"\x00" * 64,
                    "video/mp4")
    assert (plain.item_kind, plain.send_as, plain.file_name) == (
        ItemKind.VIDEO, MediaKind.VIDEO, "tin-bao.mp4")


def test_a_zalo_voice_recording_goes_as_a_file_labelled_voice_and_an_ogg_as_a_voice():
    amr = copy_of(ReceivedKind.VOICE, b"#!AMR\n" + b"\x01" * 32, "audio/amr")
    assert (amr.item_kind, amr.send_as, amr.file_name) == (ItemKind.VOICE, MediaKind.DOCUMENT,
                                                           "tin-bao.amr")
    ogg = copy_of(ReceivedKind.VOICE, b"OggS" + b"\x00" * 32, "audio/ogg")
    assert ogg.send_as is MediaKind.VOICE


def test_a_file_over_the_cap_or_empty_is_refused():
    assert problem_of(ReceivedKind.FILE, b"x" * (MAX_MEDIA_BYTES + 1)) == "zalo_media.too_big"
    assert problem_of(ReceivedKind.VIDEO, b"") == "zalo_media.unreadable"
