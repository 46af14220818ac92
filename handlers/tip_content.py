"""Turn one Telegram message into one part of a tip (``tips.tip_parts.Part``), or say why not.

Photos sent as photos lose their metadata on Telegram's side. Files sent as *documents* (and
audio files) keep their name and what is written inside them (SPEC §3.1, §3.5): they are
downloaded and screened (``tips.tip_parts.screen_file``: an image with a GPS position is refused,
anything else renamed ``tin-bao.<ext>`` and stripped of its author data where the format allows),
and the cleaned copy is uploaded again into the tipster's own chat as a document, so they see the
very copy officers will get; the tip keeps that copy's file id, never the original's.

The part carries the message's id while it is a draft, so an edit of the message replaces it.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Audio, Document, InputFile, Message
from telegram.error import TelegramError

from handlers.bot_context import BotContext
from storage.tip_records import ItemKind, TipItem
from tips.tip_parts import Part, screen_file

MAX_CHECKED_BYTES = 20 * 1024 * 1024  # the Bot API's download limit


async def _download(document: Document | Audio, message: Message) -> bytes:
    return bytes(await (await message.get_bot().get_file(document.file_id))
                 .download_as_bytearray())


async def _file_content(message: Message, context: BotContext,
                        document: Document | Audio) -> Part:
    """A document, or an audio file (its name, performer and title show as much as a
    document's name): the cleaned copy, sent back as a document."""
    if (document.file_size or 0) > MAX_CHECKED_BYTES:
        return Part(None, "tip.document_too_big")
    try:
        data = await _download(document, message)
    except TelegramError:
        return Part(None, "tip.document_unreadable")
    cleaned = screen_file(data, document.mime_type, document.file_name)
    if isinstance(cleaned, Part):
        return cleaned
    try:
        copy = await message.reply_document(
            InputFile(cleaned.data, filename=cleaned.file_name),
            caption=context.tr("tip.document_copy"), disable_content_type_detection=True)
    except TelegramError:
        return Part(None, "tip.document_unreadable")
    if copy.document is None:
        return Part(None, "tip.document_unreadable")
    return Part(TipItem(ItemKind.DOCUMENT, message.caption, copy.document.file_id),
                document=cleaned)


async def _read(message: Message, context: BotContext) -> Part:
    if message.text:
        return Part(TipItem(ItemKind.TEXT, message.text))
    if message.photo:
        return Part(TipItem(ItemKind.PHOTO, message.caption, message.photo[-1].file_id))
    if message.video:
        return Part(TipItem(ItemKind.VIDEO, message.caption, message.video.file_id))
    if message.video_note:
        return Part(TipItem(ItemKind.VIDEO_NOTE, None, message.video_note.file_id))
    if message.voice:
        return Part(TipItem(ItemKind.VOICE, message.caption, message.voice.file_id))
    if message.audio:
        return await _file_content(message, context, message.audio)
    if message.document:
        return await _file_content(message, context, message.document)
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        return Part(TipItem(ItemKind.LOCATION, None,
                            f"{location.latitude},{location.longitude}"))
    return Part(None, "tip.not_accepted")


async def content_of(message: Message, context: BotContext) -> Part:
    part = await _read(message, context)
    if part.item is None:
        return part
    return replace(part, item=replace(part.item, message_id=message.message_id))
