"""One message read as one part of a tip, whatever channel it came on, and the rules for files.

A channel adapter reads its own message kinds (a Telegram photo, a Zalo image, an SMS text) into
a :class:`Part`: the part, or the catalogue key saying why it cannot be one. Files that keep
what their author's machine wrote into them (SPEC §3.1, §3.5) go through :func:`screen_file`
first: images carrying a GPS position are refused with advice, every other file is renamed and
stripped of its author data where the format allows (``tips.document_cleaning``); the adapter then
stores *that* copy on its platform, so the tipster sees the very copy officers will get.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.tip_records import TipItem
from tips.document_cleaning import CleanedDocument, clean_document
from tips.exif import LocationCheck, check_location_metadata

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp", ".gif")


@dataclass(frozen=True)
class Part:
    """A message read as part of a tip: the part, or the catalogue key saying why not."""

    item: TipItem | None
    problem: str | None = None
    document: CleanedDocument | None = None  # the copy officers get, for the confirmation


def looks_like_image(mime_type: str | None, file_name: str | None) -> bool:
    return (mime_type or "").startswith("image/") or (file_name or "").lower().endswith(
        _IMAGE_SUFFIXES)


def screen_file(data: bytes, mime_type: str | None,
                file_name: str | None) -> Part | CleanedDocument:
    """A file sent as a file: refused (a :class:`Part` with the problem) when it is an image that
    says, or may say, where it was taken; else the cleaned copy to store in its place."""
    if looks_like_image(mime_type, file_name):
        check = check_location_metadata(data, mime_type=mime_type, file_name=file_name)
        if check is LocationCheck.HAS_LOCATION:
            return Part(None, "tip.document_location")
        if check is LocationCheck.UNVERIFIABLE:
            return Part(None, "tip.document_unverifiable")
    return clean_document(data, file_name)
