"""Turn one Telegram message into one part of a tip, or say why it cannot be one.

Photos sent as photos lose their metadata on Telegram's side. Images sent as *files* keep it, and
EXIF GPS would tell staff where the tipster stands (SPEC §3.5): such files are refused with advice
to send them as photos.
"""

from __future__ import annotations

from telegram import Bot, Message
from telegram.error import TelegramError

from tips.exif import LocationCheck, check_location_metadata
from tips.model import ItemKind, TipItem

MAX_CHECKED_BYTES = 20 * 1024 * 1024  # the Bot API's download limit
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp", ".gif")


def _looks_like_image(mime_type: str | None, file_name: str | None) -> bool:
    return (mime_type or "").startswith("image/") or (file_name or "").lower().endswith(
        _IMAGE_SUFFIXES)


async def _document_item(message: Message, bot: Bot) -> tuple[TipItem | None, str | None]:
    document = message.document
    caption = message.caption
    if not _looks_like_image(document.mime_type, document.file_name):
        return TipItem(ItemKind.DOCUMENT, caption, document.file_id), None
    if (document.file_size or 0) > MAX_CHECKED_BYTES:
        return None, "tip.document_too_big"
    try:
        data = bytes(await (await bot.get_file(document.file_id)).download_as_bytearray())
    except TelegramError:
        return None, "tip.document_unverifiable"
    check = check_location_metadata(data, mime_type=document.mime_type,
                                    file_name=document.file_name)
    if check is LocationCheck.HAS_LOCATION:
        return None, "tip.document_location"
    if check is LocationCheck.UNVERIFIABLE:
        return None, "tip.document_unverifiable"
    return TipItem(ItemKind.DOCUMENT, caption, document.file_id), None


async def item_from_message(message: Message, bot: Bot) -> tuple[TipItem | None, str | None]:
    """(the tip part, None) or (None, the catalogue key explaining the refusal)."""
    if message.text:
        return TipItem(ItemKind.TEXT, message.text), None
    if message.photo:
        return TipItem(ItemKind.PHOTO, message.caption, message.photo[-1].file_id), None
    if message.video:
        return TipItem(ItemKind.VIDEO, message.caption, message.video.file_id), None
    if message.video_note:
        return TipItem(ItemKind.VIDEO_NOTE, None, message.video_note.file_id), None
    if message.voice:
        return TipItem(ItemKind.VOICE, message.caption, message.voice.file_id), None
    if message.audio:
        return TipItem(ItemKind.AUDIO, message.caption, message.audio.file_id), None
    if message.document:
        return await _document_item(message, bot)
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        return TipItem(ItemKind.LOCATION, None, f"{location.latitude},{location.longitude}"), None
    return None, "tip.not_accepted"
