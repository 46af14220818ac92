"""A file a tipster sent on a channel that hands the bot its bytes (Zalo OA, Zalo Bot), made into
a part of the tip: cleaned as on Telegram, then kept as the copy officers get
(``storage.tip_media``).

What each kind loses, or why it is refused (SPEC §3.1, §3.5; the Telegram rules are in
``tips.tip_parts``):

* a photo: every metadata segment or chunk of a JPEG or PNG is dropped (EXIF and XMP, where
  phones write GPS, the camera and the time), what Telegram does to a photo sent as a photo; the
  copy is checked again and kept only when nothing is left. Another format (HEIC, WebP…) cannot
  be checked: refused, with advice;
* a file: :func:`tips.tip_parts.screen_file`, as a Telegram document: an image file that says
  where it was taken is refused, anything else renamed ``tin-bao.<ext>`` and stripped of its
  author data where the format allows;
* a voice message or a video: renamed; a video whose bytes carry a position (the QuickTime
  ``©xyz`` atom or XMP GPS) is refused, since it cannot be rewritten here.

The parser of ``tips.exif`` never decodes the picture: the copy is the sender's image data, byte
for byte, without what was written around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.outbound import MediaKind
from storage.tip_media import store_media, stored_reference
from storage.tip_records import ItemKind, TipItem
from tips.context import TipsContext
from tips.document_cleaning import CleanedDocument, neutral_file_name
from tips.exif import (
    LocationCheck,
    check_location_metadata,
    strip_jpeg_metadata,
    strip_png_metadata,
)
from tips.tip_parts import Part, screen_file

# The most the bot downloads and keeps of one file: Telegram's own limit for files a bot
# downloads, so a file is taken on Zalo exactly when it would be on Telegram.
MAX_MEDIA_BYTES = 20 * 1024 * 1024
# Telegram shows these as a voice message (sendVoice: OGG/Opus, MP3, M4A); a Zalo recording
# (AMR) goes as a file, still labelled a voice message.
_VOICE_TYPES = frozenset({"audio/ogg", "audio/opus", "audio/mpeg", "audio/mp3", "audio/mp4",
                          "audio/x-m4a", "audio/m4a"})
_POSITION_MARKERS = (b"\xa9xyz", b"GPSLatitude", b"GPSLongitude", b"exif:GPS")


class ReceivedKind(StrEnum):
    """What the person sent, in the product's terms (each channel maps its own)."""

    PHOTO = "photo"
    FILE = "file"
    VOICE = "voice"
    VIDEO = "video"


@dataclass(frozen=True)
class Received:
    """The bytes a channel downloaded, with what the platform said of them. ``name`` is the
    file's own name: read for its extension only, never stored."""

    kind: ReceivedKind
    data: bytes
    mime_type: str = ""
    name: str = ""
    caption: str = ""


@dataclass(frozen=True)
class _Copy:
    item_kind: ItemKind
    send_as: MediaKind  # how Telegram is to show the stored copy
    data: bytes
    mime_type: str
    file_name: str
    document: CleanedDocument | None = None


def _photo(received: Received) -> _Copy | Part:
    data = received.data
    try:
        if data.startswith(b"\xff\xd8\xff"):
            cleaned, mime, suffix = strip_jpeg_metadata(data), "image/jpeg", ".jpg"
        elif data.startswith(b"\x89PNG\r\n\x1a\n"):
            cleaned, mime, suffix = strip_png_metadata(data), "image/png", ".png"
        else:
            return Part(None, "zalo_media.unverifiable")
    except ValueError:  # not the image it claims to be: nothing to check, nothing to keep
        return Part(None, "zalo_media.unverifiable")
    if check_location_metadata(cleaned, mime_type=mime, file_name=None) is not LocationCheck.CLEAN:
        return Part(None, "zalo_media.unverifiable")
    return _Copy(ItemKind.PHOTO, MediaKind.PHOTO, cleaned, mime,
                 neutral_file_name("photo" + suffix))


def _file(received: Received) -> _Copy | Part:
    screened = screen_file(received.data, received.mime_type or None, received.name or None)
    if isinstance(screened, Part):
        location = screened.problem == "tip.document_location"
        return Part(None, "zalo_media.location" if location else "zalo_media.unverifiable")
    return _Copy(ItemKind.DOCUMENT, MediaKind.DOCUMENT, screened.data,
                 received.mime_type or "application/octet-stream", screened.file_name,
                 document=screened)


def _voice(received: Received) -> _Copy:
    mime = (received.mime_type or "audio/amr").lower()
    name = neutral_file_name(received.name or "voice" + _suffix_of(mime, ".amr"))
    send_as = MediaKind.VOICE if mime in _VOICE_TYPES else MediaKind.DOCUMENT
    return _Copy(ItemKind.VOICE, send_as, received.data, mime, name)


def _video(received: Received) -> _Copy | Part:
    if any(marker in received.data for marker in _POSITION_MARKERS):
        return Part(None, "zalo_media.location")
    mime = received.mime_type or "video/mp4"
    return _Copy(ItemKind.VIDEO, MediaKind.VIDEO, received.data, mime,
                 neutral_file_name(received.name or "video" + _suffix_of(mime, ".mp4")))


def _suffix_of(mime: str, default: str) -> str:
    subtype = mime.partition("/")[2].partition(";")[0].strip().lower()
    return f".{subtype}" if subtype.isalnum() and len(subtype) <= 5 else default


def cleaned_copy(received: Received) -> _Copy | Part:
    """The copy officers get, or the part saying why there is none (nothing stored)."""
    if len(received.data) > MAX_MEDIA_BYTES:
        return Part(None, "zalo_media.too_big")
    if not received.data:
        return Part(None, "zalo_media.unreadable")
    if received.kind is ReceivedKind.PHOTO:
        return _photo(received)
    if received.kind is ReceivedKind.FILE:
        return _file(received)
    if received.kind is ReceivedKind.VOICE:
        return _voice(received)
    return _video(received)


async def part_of(ctx: TipsContext, pseudonym: str, received: Received) -> Part:
    """Clean ``received``, keep the copy for the draft of ``pseudonym``, and return the part
    that names it (or the problem, with nothing kept)."""
    copy = cleaned_copy(received)
    if isinstance(copy, Part):
        return copy
    async with ctx.db.transaction() as conn:
        media_id = await store_media(conn, draft_sender=pseudonym, kind=copy.send_as.value,
                                     mime_type=copy.mime_type, file_name=copy.file_name,
                                     data=copy.data, now=ctx.clock.now())
    item = TipItem(copy.item_kind, received.caption or None, stored_reference(media_id))
    return Part(item, document=copy.document)
