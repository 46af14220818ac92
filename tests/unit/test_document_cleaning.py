"""A tipster's file as officers get it: renamed, and without the author written inside it."""

from __future__ import annotations

import io
import zipfile

import pytest

import tips.document_cleaning as cleaning
from tests.unit.test_exif import app1_exif, exif_tiff, jpeg
from tips.document_cleaning import clean_document, neutral_file_name

AUTHOR = "Nguyễn Văn Tư"


def archive(entries: list[tuple[str, str]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for n, (name, body) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and n == 0 else zipfile.ZIP_DEFLATED
            target.writestr(zipfile.ZipInfo(name, (2026, 11, 20, 21, 14, 0)), body,
                            compress_type=method)
    return out.getvalue()


def entries_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {entry.filename: source.read(entry) for entry in source.infolist()}


WORD = [("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document>Biển số 66B1-23456</w:document>"),
        ("docProps/core.xml", f"<cp:coreProperties><dc:creator>{AUTHOR}</dc:creator>"
                              f"<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy>"
                              "</cp:coreProperties>"),
        ("docProps/app.xml", "<Properties><Company>UBND xã</Company></Properties>")]


@pytest.mark.parametrize(("original", "neutral"), [
    ("To cao - Nguyen Van A.DOCX", "tin-bao.docx"), ("bien-ban.tar.gz", "tin-bao.gz"),
    (None, "tin-bao"), ("không-đuôi", "tin-bao"), ("ảnh.đặc-biệt", "tin-bao"),
    ("x.averyverylongsuffix", "tin-bao"),
])
def test_file_names_keep_only_their_kind(original, neutral):
    assert neutral_file_name(original) == neutral


def test_office_file_loses_its_author_and_keeps_its_content():
    cleaned = clean_document(archive(WORD), "To cao - Nguyen Van Tu.docx")
    assert cleaned.metadata_removed and cleaned.file_name == "tin-bao.docx"
    assert AUTHOR.encode() not in cleaned.data and b"UBND" not in cleaned.data
    entries = entries_of(cleaned.data)
    assert list(entries) == [name for name, _ in WORD]  # same parts, same order
    assert entries["word/document.xml"] == WORD[1][1].encode()
    assert entries["docProps/core.xml"].startswith(b"<?xml")
    with zipfile.ZipFile(io.BytesIO(cleaned.data)) as result:
        assert {entry.date_time for entry in result.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_opendocument_file_loses_its_meta_and_keeps_its_stored_mimetype_first():
    odt = archive([("mimetype", "application/vnd.oasis.opendocument.text"),
                   ("content.xml", "<office:text>Có người lạ</office:text>"),
                   ("meta.xml", f"<meta:initial-creator>{AUTHOR}</meta:initial-creator>")],
                  stored_first=True)
    cleaned = clean_document(odt, "bao-cao.odt")
    assert cleaned.metadata_removed and AUTHOR.encode() not in cleaned.data
    with zipfile.ZipFile(io.BytesIO(cleaned.data)) as result:
        first = result.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert result.read("content.xml") == "<office:text>Có người lạ</office:text>".encode()


def test_image_file_loses_its_exif():
    image = jpeg(app1_exif(exif_tiff(gps=False)))
    cleaned = clean_document(image, "IMG_2042.JPG")
    assert cleaned.metadata_removed and cleaned.file_name == "tin-bao.jpg"
    assert b"Exif" in image and b"Exif" not in cleaned.data


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.7\n/Author (Nguyen Van Tu)\n%%EOF", "to-cao.pdf"),  # PDF: not rewritten
    (archive([("anh/1.jpg", "x"), ("ghi-chu.txt", "y")]), "bang-chung.zip"),  # plain archive
    (b"PK\x03\x04 broken beyond repair", "hong.docx"),  # malformed: never raises
    (b"\xff\xd8\xff\xe0 truncated", "hong.jpg"),
])
def test_what_cannot_be_rewritten_is_only_renamed(data, name):
    cleaned = clean_document(data, name)
    assert not cleaned.metadata_removed
    assert cleaned.data == data and cleaned.file_name.startswith("tin-bao")


def test_an_archive_that_would_inflate_too_far_is_only_renamed(monkeypatch):
    monkeypatch.setattr(cleaning, "MAX_UNPACKED_BYTES", 64)
    big = archive([*WORD, ("word/media/padding.bin", "0" * 1000)])
    cleaned = clean_document(big, "to-cao.docx")
    assert not cleaned.metadata_removed and cleaned.data == big
