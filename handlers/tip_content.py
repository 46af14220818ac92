"""Turn one Telegram message into one part of a tip, or say why it cannot be one.

Photos sent as photos lose their metadata on Telegram's side. Files sent as *documents* (and
audio files) keep their name and what is written inside them (SPEC §3.1, §3.5): images with
EXIF GPS are refused with advice to send them as photos; every other file is downloaded, renamed
``tin-bao.<ext>``, stripped of its author data where the format allows
(tips/document_cleaning.py) and uploaded again into the tipster's own chat as a document, so they
see the very copy officers will get; the tip keeps that copy's file id, never the original's.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Audio, Document, InputFile, Message
from telegram.error import TelegramError

from handlers.context import BotContext
from storage.tip_records import ItemKind, TipItem
from tips.document_cleaning import CleanedDocument, clean_document
from tips.exif import LocationCheck, check_location_metadata

MAX_CHECKED_BYTES = 20 * 1024 * 1024  # the Bot API's download limit
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp", ".gif")


@dataclass(frozen=True)
class Content:
    """A message read as part of a tip: the part, or the catalogue key saying why not."""

    item: TipItem | None
    problem: str | None = None
    document: CleanedDocument | None = None  # the copy officers get, for the confirmation


def _looks_like_image(mime_type: str | None, file_name: str | None) -> bool:
    return (mime_type or "").startswith("image/") or (file_name or "").lower().endswith(
        _IMAGE_SUFFIXES)


async def _download(document: Document | Audio, message: Message) -> bytes:
    return bytes(await (await message.get_bot().get_file(document.file_id))
                 .download_as_bytearray())


async def _file_content(message: Message, context: BotContext,
                        document: Document | Audio) -> Content:
    """A document, or an audio file (its name, performer and title show as much as a
    document's name): the cleaned copy, sent back as a document."""
    if (document.file_size or 0) > MAX_CHECKED_BYTES:
        return Content(None, "tip.document_too_big")
    try:
        data = await _download(document, message)
    except TelegramError:
        return Content(None, "tip.document_unreadable")
    if _looks_like_image(document.mime_type, document.file_name):
        check = check_location_metadata(data, mime_type=document.mime_type,
                                        file_name=document.file_name)
        if check is LocationCheck.HAS_LOCATION:
            return Content(None, "tip.document_location")
        if check is LocationCheck.UNVERIFIABLE:
            return Content(None, "tip.document_unverifiable")
    cleaned = clean_document(data, document.file_name)
    try:
        copy = await message.reply_document(
            InputFile(cleaned.data, filename=cleaned.file_name),
            caption=context.tr("tip.document_copy"), disable_content_type_detection=True)
    except TelegramError:
        return Content(None, "tip.document_unreadable")
    if copy.document is None:
        return Content(None, "tip.document_unreadable")
    return Content(TipItem(ItemKind.DOCUMENT, message.caption, copy.document.file_id),
                   document=cleaned)


async def content_of(message: Message, context: BotContext) -> Content:
    if message.text:
        return Content(TipItem(ItemKind.TEXT, message.text))
    if message.photo:
        return Content(TipItem(ItemKind.PHOTO, message.caption, message.photo[-1].file_id))
    if message.video:
        return Content(TipItem(ItemKind.VIDEO, message.caption, message.video.file_id))
    if message.video_note:
        return Content(TipItem(ItemKind.VIDEO_NOTE, None, message.video_note.file_id))
    if message.voice:
        return Content(TipItem(ItemKind.VOICE, message.caption, message.voice.file_id))
    if message.audio:
        return await _file_content(message, context, message.audio)
    if message.document:
        return await _file_content(message, context, message.document)
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        return Content(TipItem(ItemKind.LOCATION, None,
                               f"{location.latitude},{location.longitude}"))
    return Content(None, "tip.not_accepted")
