"""Find and remove location metadata in images that tipsters send as documents.

A photo sent to Telegram as a *document* is delivered byte for byte, so its EXIF
or XMP metadata survives, and GPS coordinates in it can reveal where an anonymous
tipster lives. SPEC: "Documents that carry EXIF location are re-encoded without
it, or refused with an explanation."

`check_location_metadata` inspects JPEG and PNG files (the formats we can parse
with the standard library) and reports whether they carry location data;
formats that can carry EXIF but that we do not parse, and corrupt images, are
UNVERIFIABLE, which callers refuse. `strip_jpeg_metadata` / `strip_png_metadata`
drop every metadata segment or chunk without touching the image data. Suggested
use: on HAS_LOCATION strip, re-check, and accept only a CLEAN result.

Why by hand, with the standard library, and not a package (looked at again for issue 16):

* piexif, the usual answer, has had no release since 2019, and reads and removes
  only the EXIF segment of JPEG (and WebP): XMP, where phones also write GPS, and
  PNG are out of its reach. ``exif`` is JPEG-only EXIF too; ExifRead only reads.
* Pillow, and the strippers built on it (exif-stripper), or on GdkPixbuf and cairo
  (mat2), decode the picture and encode it again: officers would get a different
  file from the one the tipster sent, a JPEG a generation worse (evidence loses
  detail), and the re-encode costs time and memory on every tip.
* pyexiv2 and python-exiv2 are kept and rewrite only the metadata, but they run
  exiv2, a C++ parser with a long record of heap overflows on crafted files (PNG
  and JPEG among them), inside the bot's process, on files chosen by anyone who
  writes to the bot: one bad file could take the bot down for everyone, and the
  check's policy (refuse what cannot be verified) would still be ours to write.
* exiftool strips without re-encoding and is well kept, but it is a Perl program
  (a system package, not a pip dependency) started once per document.

Two formats parsed as segments and chunks, which cannot crash the process and
refuse every other format, is the smaller risk.
"""

import re
import struct
import zlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import PurePosixPath


class LocationCheck(StrEnum):
    CLEAN = "clean"  # no location metadata found: safe to accept
    HAS_LOCATION = "has_location"  # GPS coordinates found
    UNVERIFIABLE = "unverifiable"  # cannot inspect (HEIC, TIFF, WebP, corrupt…): refuse
    NOT_AN_IMAGE = "not_an_image"


_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SCAN_END = re.compile(rb"\xff+[^\x00\xd0-\xd7\xff]")  # not stuffing (FF00), not RSTn
# Text forms of location: XMP properties and the QuickTime/MP4 location atom.
_GPS_MARKERS = (b"GPSLatitude", b"GPSLongitude", b"exif:GPS", b"\xa9xyz")
# GPSLatitude, GPSLongitude, GPSDestLatitude, GPSDestLongitude.
_GPS_POSITION_TAGS = frozenset({0x0002, 0x0004, 0x0014, 0x0016})
_GPS_IFD_POINTER = 0x8825
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
_IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".heic", ".heif", ".hif", ".avif", ".tif", ".tiff", ".webp"}
)
_PNG_TEXT_CHUNKS = frozenset({b"tEXt", b"iTXt", b"zTXt"})
_PNG_DROPPED_CHUNKS = _PNG_TEXT_CHUNKS | {b"eXIf", b"tIME"}
_MAX_TEXT = 16 * 1024 * 1024  # decompressed PNG text budget, against zlib bombs
_MAX_DEPTH = 4  # JPEGs nested in trailers (multi-picture files)


class _Malformed(ValueError):
    """The file is not the image it claims to be; it is refused, never passed on."""


def _worst(a: LocationCheck, b: LocationCheck) -> LocationCheck:
    order = (LocationCheck.CLEAN, LocationCheck.UNVERIFIABLE, LocationCheck.HAS_LOCATION)
    return max(a, b, key=order.index)


def _mentions_gps(blob: bytes) -> bool:
    return any(marker in blob for marker in _GPS_MARKERS)


def _read_ifd(tiff: bytes, offset: int, order: str) -> dict[int, tuple[int, int, int]]:
    """Tag -> (type, count, raw value/offset field) of the IFD at `offset`."""
    if offset < 8 or offset + 2 > len(tiff):
        raise _Malformed("IFD offset out of bounds")
    (count,) = struct.unpack_from(order + "H", tiff, offset)
    if offset + 2 + 12 * count > len(tiff):
        raise _Malformed("IFD entries out of bounds")
    entries = {}
    for i in range(count):
        tag, typ, n, value = struct.unpack_from(order + "HHII", tiff, offset + 2 + 12 * i)
        entries[tag] = (typ, n, value)
    return entries


def _check_tiff(tiff: bytes) -> LocationCheck:
    """Check an EXIF TIFF structure (the body of APP1 'Exif' or a PNG eXIf chunk)."""
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        magic, ifd0_offset = struct.unpack_from(order + "HI", tiff, 2)
        if magic != 42:
            return LocationCheck.UNVERIFIABLE
        pointer = _read_ifd(tiff, ifd0_offset, order).get(_GPS_IFD_POINTER)
        if pointer is None:
            return LocationCheck.CLEAN
        typ, count, gps_offset = pointer
        if typ not in (4, 13) or count != 1:  # LONG or IFD
            return LocationCheck.UNVERIFIABLE
        gps_tags = _read_ifd(tiff, gps_offset, order).keys()
    except (KeyError, struct.error, _Malformed):
        return LocationCheck.UNVERIFIABLE
    return LocationCheck.HAS_LOCATION if gps_tags & _GPS_POSITION_TAGS else LocationCheck.CLEAN


def _check_trailer(trailer: bytes, depth: int) -> LocationCheck:
    """Bytes after EOI/IEND: multi-picture JPEGs, motion-photo videos, junk."""
    result = LocationCheck.HAS_LOCATION if _mentions_gps(trailer) else LocationCheck.CLEAN
    if (embedded := trailer.find(_JPEG_MAGIC)) < 0:
        return result
    if depth >= _MAX_DEPTH:
        return _worst(result, LocationCheck.UNVERIFIABLE)
    return _worst(result, _check_jpeg(trailer[embedded:], depth + 1))


def _jpeg_segments(data: bytes) -> Iterator[tuple[int, int, int, int]]:
    """Yield (marker, start, payload start, end) for everything after SOI, up to EOI.

    Entropy-coded scan data is yielded with marker 0. Raises _Malformed.
    """
    pos, n = 2, len(data)
    while pos < n:
        start = pos
        while pos < n and data[pos] == 0xFF:  # a marker, after any fill bytes
            pos += 1
        if pos == start or pos >= n or data[pos] == 0x00:
            raise _Malformed("expected a JPEG marker")
        marker, pos = data[pos], pos + 1
        if marker == 0xD9 or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # EOI, RSTn, TEM
            yield marker, start, pos, pos
            if marker == 0xD9:
                return
            continue
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            raise _Malformed("segment length out of bounds")
        yield marker, start, pos + 2, pos + length
        pos += length
        if marker == 0xDA:  # SOS: scan data runs up to the next marker other than RSTn
            found = _SCAN_END.search(data, pos)
            scan_start, pos = pos, found.start() if found else n
            yield 0, scan_start, scan_start, pos


def _check_jpeg(data: bytes, depth: int = 0) -> LocationCheck:
    result, saw_scan, end = LocationCheck.CLEAN, False, len(data)
    try:
        for marker, _, payload_start, seg_end in _jpeg_segments(data):
            payload = data[payload_start:seg_end]
            if marker == 0xDA:
                saw_scan = True
            elif marker == 0xD9:
                end = seg_end
            elif 0xE1 <= marker <= 0xEF or marker == 0xFE:
                if marker == 0xE1 and payload.startswith(b"Exif\0"):
                    result = _worst(result, _check_tiff(payload[6:]))
                if _mentions_gps(payload):
                    result = LocationCheck.HAS_LOCATION
    except _Malformed:
        return LocationCheck.UNVERIFIABLE
    if not saw_scan:
        return LocationCheck.UNVERIFIABLE
    return _worst(result, _check_trailer(data[end:], depth))


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, start, end) of each PNG chunk up to IEND. Raises _Malformed."""
    pos = len(_PNG_MAGIC)
    while True:
        if pos + 12 > len(data):
            raise _Malformed("truncated PNG chunk")
        (length,) = struct.unpack_from(">I", data, pos)
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise _Malformed("PNG chunk length out of bounds")
        ctype = data[pos + 4 : pos + 8]
        yield ctype, pos, end
        pos = end
        if ctype == b"IEND":
            return


def _inflate(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj()
    text = inflater.decompress(compressed, _MAX_TEXT)
    if inflater.unconsumed_tail:
        raise _Malformed("PNG text chunk too large")
    return text


def _check_png_text(ctype: bytes, body: bytes) -> LocationCheck:
    keyword, _, text = body.partition(b"\0")
    if ctype == b"zTXt":
        text = _inflate(text[1:])
    elif ctype == b"iTXt":
        compressed, rest = text[:1] == b"\1", text[2:]
        text = rest.split(b"\0", 2)[-1]  # skip language tag and translated keyword
        if compressed:
            text = _inflate(text)
    if _mentions_gps(text):
        return LocationCheck.HAS_LOCATION
    keyword = keyword.lower()
    if keyword.startswith(b"raw profile type") and keyword.endswith((b"exif", b"app1")):
        # ImageMagick's hex dump: "\nexif\n   <length>\n<hex…>"
        raw = bytes.fromhex(b"".join(text.split()[2:]).decode("ascii"))
        return _check_tiff(raw[6:] if raw.startswith(b"Exif\0") else raw)
    return LocationCheck.CLEAN


def _check_png(data: bytes) -> LocationCheck:
    result, end = LocationCheck.CLEAN, len(data)
    try:
        for ctype, start, end in _png_chunks(data):
            body = data[start + 8 : end - 4]
            if ctype == b"eXIf":
                tiff = body[6:] if body.startswith(b"Exif\0") else body
                result = _worst(result, _check_tiff(tiff))
            elif ctype in _PNG_TEXT_CHUNKS:
                result = _worst(result, _check_png_text(ctype, body))
    except (_Malformed, ValueError, zlib.error, IndexError):
        return LocationCheck.UNVERIFIABLE
    return _worst(result, _check_trailer(data[end:], 0))


def _unparsed_image_format(data: bytes) -> bool:
    """HEIF/AVIF, TIFF or WebP by magic bytes: formats that may carry EXIF we do not parse."""
    if data[4:8] == b"ftyp":
        (box_size,) = struct.unpack_from(">I", data, 0)
        ftyp = data[8 : max(16, min(box_size, 256))]
        if any(ftyp[i : i + 4] in _HEIF_BRANDS for i in range(0, len(ftyp), 4)):
            return True
    return data[:4] in (b"II*\0", b"MM\0*") or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def check_location_metadata(
    data: bytes, *, mime_type: str | None, file_name: str | None
) -> LocationCheck:
    """Report whether a document's bytes carry location metadata. Never raises."""
    try:
        if data.startswith(_JPEG_MAGIC):
            return _check_jpeg(data)
        if data.startswith(_PNG_MAGIC):
            return _check_png(data)
        if data[:6] in (b"GIF87a", b"GIF89a"):  # no EXIF; XMP may sit in an extension block
            return LocationCheck.HAS_LOCATION if _mentions_gps(data) else LocationCheck.CLEAN
        if _unparsed_image_format(data):
            return LocationCheck.UNVERIFIABLE
    except Exception:  # a parser bug must not let a file through: refuse it instead
        return LocationCheck.UNVERIFIABLE
    # Unrecognised bytes: a document claiming to be an image is one we cannot inspect.
    suffix = PurePosixPath(file_name or "").suffix.lower()
    if (mime_type or "").lower().startswith("image/") or suffix in _IMAGE_SUFFIXES:
        return LocationCheck.UNVERIFIABLE
    return LocationCheck.NOT_AN_IMAGE


def strip_jpeg_metadata(data: bytes) -> bytes:
    """Drop APP1..APP15, COM and bytes after EOI; copy APP0, tables, frames, scans unchanged.

    Raises ValueError if `data` is not a well-formed JPEG."""
    if not data.startswith(_JPEG_MAGIC):
        raise ValueError("not a JPEG")
    kept, saw_scan = [data[:2]], False
    for marker, start, _, end in _jpeg_segments(data):
        saw_scan = saw_scan or marker == 0xDA
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            kept.append(data[start:end])
    if not saw_scan:
        raise ValueError("JPEG has no image data")
    return b"".join(kept)


def strip_png_metadata(data: bytes) -> bytes:
    """Drop eXIf/tEXt/iTXt/zTXt/tIME chunks and bytes after IEND; copy other chunks unchanged.

    Raises ValueError if `data` is not a well-formed PNG."""
    if not data.startswith(_PNG_MAGIC):
        raise ValueError("not a PNG")
    kept = [_PNG_MAGIC]
    for ctype, start, end in _png_chunks(data):
        if ctype not in _PNG_DROPPED_CHUNKS:
            kept.append(data[start:end])
    return b"".join(kept)
