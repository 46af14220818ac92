"""Location metadata in image documents (SPEC: EXIF location is stripped or refused)."""

import contextlib
import random
import struct
import zlib

import pytest

from tips.exif import (
    LocationCheck,
    check_location_metadata,
    strip_jpeg_metadata,
    strip_png_metadata,
)

SCAN_DATA = b"\x12\x34\xff\x00\x56\xff\xd0\x78\x9a\xbc"
XMP_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="21,1.5N" exif:GPSLongitude="105,51.2E"/></rdf:RDF></x:xmpmeta>'
)


def check(data: bytes, mime_type: str | None = None, file_name: str | None = None):
    return check_location_metadata(data, mime_type=mime_type, file_name=file_name)


# --- builders -------------------------------------------------------------------------


def ifd_entry(e: str, tag: int, typ: int, count: int, value: bytes | int) -> bytes:
    field = struct.pack(e + "I", value) if isinstance(value, int) else value.ljust(4, b"\0")
    return struct.pack(e + "HHI", tag, typ, count) + field


def ifd(e: str, entries: list[bytes]) -> bytes:
    return struct.pack(e + "H", len(entries)) + b"".join(entries) + struct.pack(e + "I", 0)


def exif_tiff(order: bytes = b"II", *, gps: bool = True, position: bool = True) -> bytes:
    """TIFF EXIF: IFD0 (Make [, GPS pointer]) then a GPS IFD with lat/lon rationals."""
    e = "<" if order == b"II" else ">"
    header = order + struct.pack(e + "HI", 42, 8)
    make = ifd_entry(e, 0x010F, 2, 4, b"Cam\0")
    if not gps:
        return header + ifd(e, [make])
    gps_offset = 8 + 2 + 2 * 12 + 4
    gps_entries = [ifd_entry(e, 0x0000, 1, 4, b"\2\3\0\0")]
    if position:
        rationals = gps_offset + 2 + 5 * 12 + 4
        gps_entries += [
            ifd_entry(e, 0x0001, 2, 2, b"N\0"),
            ifd_entry(e, 0x0002, 5, 3, rationals),
            ifd_entry(e, 0x0003, 2, 2, b"E\0"),
            ifd_entry(e, 0x0004, 5, 3, rationals + 24),
        ]
    values = struct.pack(e + "6I", 21, 1, 1, 1, 30, 1) + struct.pack(e + "6I", 105, 1, 51, 1, 0, 1)
    ifd0 = ifd(e, [make, ifd_entry(e, 0x8825, 4, 1, gps_offset)])
    return header + ifd0 + ifd(e, gps_entries) + (values if position else b"")


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


APP0 = segment(0xE0, b"JFIF\0\1\1\0\0\1\0\1\0\0")
DQT = segment(0xDB, b"\0" + bytes(range(1, 65)))
SOF0 = segment(0xC0, b"\x08\0\1\0\1\1\1\x11\0")
DHT = segment(0xC4, b"\0" + b"\1" + b"\0" * 15 + b"\0")
SOS = segment(0xDA, b"\1\1\0\0\x3f\0")


def jpeg(*metadata: bytes) -> bytes:
    tables = DQT + SOF0 + DHT
    return b"\xff\xd8" + APP0 + b"".join(metadata) + tables + SOS + SCAN_DATA + b"\xff\xd9"


def app1_exif(tiff: bytes) -> bytes:
    return segment(0xE1, b"Exif\0\0" + tiff)


def app1_xmp(xmp: bytes) -> bytes:
    return segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp)


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


IHDR = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
IDAT = chunk(b"IDAT", zlib.compress(b"\0\x80"))
IEND = chunk(b"IEND", b"")


def png(*metadata: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + IHDR + b"".join(metadata) + IDAT + IEND


GPS_JPEG = jpeg(app1_exif(exif_tiff(b"II")), segment(0xFE, b"a comment"))
GPS_PNG = png(chunk(b"eXIf", exif_tiff(b"MM")), chunk(b"tIME", b"\7\xea\3\5\1\2\3"))


# --- detection ----------------------------------------------------------------------


@pytest.mark.parametrize("order", [b"II", b"MM"])
def test_jpeg_with_gps_exif_has_location_in_both_byte_orders(order):
    assert check(jpeg(app1_exif(exif_tiff(order)))) is LocationCheck.HAS_LOCATION


@pytest.mark.parametrize("order", [b"II", b"MM"])
def test_jpeg_exif_without_gps_is_clean(order):
    assert check(jpeg(app1_exif(exif_tiff(order, gps=False)))) is LocationCheck.CLEAN


def test_gps_ifd_without_latitude_or_longitude_is_clean():
    assert check(jpeg(app1_exif(exif_tiff(position=False)))) is LocationCheck.CLEAN


def test_jpeg_without_any_metadata_is_clean():
    assert check(jpeg(), "image/jpeg", "photo.jpg") is LocationCheck.CLEAN


def test_jpeg_xmp_with_gps_has_location():
    assert check(jpeg(app1_xmp(XMP_GPS))) is LocationCheck.HAS_LOCATION
    assert check(jpeg(app1_xmp(b"<x:xmpmeta/>"))) is LocationCheck.CLEAN


@pytest.mark.parametrize(
    "tiff",
    [
        exif_tiff()[:40],  # GPS IFD cut off
        exif_tiff()[:12],  # IFD0 cut off
        b"XX" + exif_tiff()[2:],  # unknown byte order
        b"II\x2b\0" + exif_tiff()[4:],  # wrong TIFF magic
        b"II*\0" + struct.pack("<I", 0xFFFFFFF0),  # IFD0 offset far out of bounds
        b"",
    ],
)
def test_malformed_exif_is_unverifiable(tiff):
    assert check(jpeg(app1_exif(tiff))) is LocationCheck.UNVERIFIABLE


def test_gps_pointer_out_of_bounds_is_unverifiable():
    e = "<"
    tiff = b"II" + struct.pack("<HI", 42, 8) + ifd(e, [ifd_entry(e, 0x8825, 4, 1, 10_000)])
    assert check(jpeg(app1_exif(tiff))) is LocationCheck.UNVERIFIABLE


def test_corrupt_jpeg_structure_is_unverifiable():
    assert check(GPS_JPEG[:30]) is LocationCheck.UNVERIFIABLE  # no scan reached
    assert check(b"\xff\xd8\xff\xe1\xff\xff" + b"\0" * 10) is LocationCheck.UNVERIFIABLE


def test_gps_in_a_second_image_after_eoi_is_found():
    multi_picture = jpeg() + jpeg(app1_exif(exif_tiff()))
    assert check(multi_picture) is LocationCheck.HAS_LOCATION
    assert check(strip_jpeg_metadata(multi_picture)) is LocationCheck.CLEAN


@pytest.mark.parametrize("order", [b"II", b"MM"])
def test_png_exif_chunk_with_gps_has_location(order):
    assert check(png(chunk(b"eXIf", exif_tiff(order)))) is LocationCheck.HAS_LOCATION


def test_plain_png_is_clean():
    assert check(png(chunk(b"tEXt", b"Software\0paint")), "image/png") is LocationCheck.CLEAN


@pytest.mark.parametrize(
    "text_chunk",
    [
        chunk(b"tEXt", b"XML:com.adobe.xmp\0" + XMP_GPS),
        chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP_GPS),
        chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0vi\0\0" + zlib.compress(XMP_GPS)),
        chunk(b"zTXt", b"Comment\0\0" + zlib.compress(XMP_GPS)),
        chunk(
            b"zTXt",
            b"Raw profile type exif\0\0"
            + zlib.compress(b"\nexif\n     120\n" + (b"Exif\0\0" + exif_tiff()).hex().encode()),
        ),
    ],
)
def test_png_text_chunks_with_gps_have_location(text_chunk):
    assert check(png(text_chunk)) is LocationCheck.HAS_LOCATION


def test_png_with_corrupt_compressed_text_is_unverifiable():
    assert check(png(chunk(b"zTXt", b"Comment\0\0not zlib"))) is LocationCheck.UNVERIFIABLE
    assert check(GPS_PNG[:-5]) is LocationCheck.UNVERIFIABLE


@pytest.mark.parametrize(
    ("data", "mime_type", "file_name"),
    [
        (struct.pack(">I", 24) + b"ftypheic\0\0\0\0mif1heic", None, None),
        (struct.pack(">I", 24) + b"ftypmif1\0\0\0\0mif1avif", "application/octet-stream", "x"),
        (b"II*\0\x08\0\0\0" + b"\0" * 16, None, "scan.tif"),
        (b"RIFF\x10\0\0\0WEBPVP8X" + b"\0" * 10, None, None),
        (b"\0" * 32, "image/heic", None),
        (b"\0" * 32, None, "IMG_0001.HEIC"),
        (b"garbage", "image/jpeg", "photo.jpg"),
    ],
)
def test_formats_we_cannot_inspect_are_unverifiable(data, mime_type, file_name):
    assert check(data, mime_type, file_name) is LocationCheck.UNVERIFIABLE


def test_gif_is_clean_unless_its_xmp_has_gps():
    assert check(b"GIF89a\1\0\1\0\0\0\0;", "image/gif", "a.gif") is LocationCheck.CLEAN
    assert check(b"GIF89a\1\0\1\0" + XMP_GPS + b";") is LocationCheck.HAS_LOCATION


@pytest.mark.parametrize(
    ("data", "mime_type", "file_name"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf", "report.pdf"),
        (b"PK\3\4" + b"\0" * 26, None, "notes.docx"),
        (b"hello", "text/plain", "note.txt"),
        (struct.pack(">I", 24) + b"ftypisom\0\0\2\0isomiso2", "video/mp4", "clip.mp4"),
        (b"", None, None),
    ],
)
def test_other_documents_are_not_images(data, mime_type, file_name):
    assert check(data, mime_type, file_name) is LocationCheck.NOT_AN_IMAGE


def test_malformed_input_never_raises():
    rng = random.Random(20260305)
    samples = [GPS_JPEG, GPS_PNG, jpeg(app1_exif(exif_tiff(b"MM")), app1_xmp(XMP_GPS))]
    for sample in samples:
        for cut in range(len(sample)):
            assert check(sample[:cut]) in LocationCheck
        for _ in range(300):
            mutated = bytearray(sample)
            for _ in range(rng.randint(1, 4)):
                mutated[rng.randrange(3, len(mutated))] = rng.randrange(256)
            assert check(bytes(mutated)) in LocationCheck
            for strip in (strip_jpeg_metadata, strip_png_metadata):
                with contextlib.suppress(ValueError):
                    strip(bytes(mutated))


# --- stripping ----------------------------------------------------------------------


def test_strip_jpeg_removes_location_and_keeps_the_image():
    stripped = strip_jpeg_metadata(GPS_JPEG)
    assert check(stripped, "image/jpeg", "photo.jpg") is LocationCheck.CLEAN
    assert stripped.startswith(b"\xff\xd8")
    assert stripped.endswith(b"\xff\xd9")
    assert SCAN_DATA in stripped
    assert stripped == jpeg()  # APP0, tables, frame and scan untouched; APP1 and COM gone
    assert b"Exif" not in stripped and b"a comment" not in stripped


def test_strip_jpeg_removes_every_app1_to_app15_segment():
    data = jpeg(app1_xmp(XMP_GPS), segment(0xE2, b"ICC"), segment(0xED, b"Photoshop 3.0\0"))
    assert strip_jpeg_metadata(data) == jpeg()
    assert strip_jpeg_metadata(jpeg()) == jpeg()


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7", GPS_PNG, GPS_JPEG[:30]])
def test_strip_jpeg_rejects_non_jpeg(data):
    with pytest.raises(ValueError):
        strip_jpeg_metadata(data)


def test_strip_png_removes_metadata_chunks_and_keeps_image_chunks():
    stripped = strip_png_metadata(
        png(chunk(b"eXIf", exif_tiff()), chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP_GPS))
    )
    assert check(stripped, "image/png", "a.png") is LocationCheck.CLEAN
    assert stripped == png()
    for kept in (IHDR, IDAT, IEND):
        assert kept in stripped  # byte for byte, CRC included
    assert check(strip_png_metadata(GPS_PNG)) is LocationCheck.CLEAN


@pytest.mark.parametrize("data", [b"", GPS_JPEG, GPS_PNG[:-5]])
def test_strip_png_rejects_non_png(data):
    with pytest.raises(ValueError):
        strip_png_metadata(data)


def test_location_check_values():
    assert [str(v) for v in LocationCheck] == [
        "clean",
        "has_location",
        "unverifiable",
        "not_an_image",
    ]
