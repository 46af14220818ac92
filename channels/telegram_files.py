"""A file on Telegram, by its file id, as bytes: ``getFile`` then the file URL, through the
bot's own PTB ``Bot`` (built with ``base_file_url`` = ``telegram.api_file_url``, SPEC §12), the
way ``handlers.tip_content`` reads a tipster's document. Used where a file an officer sent on
Telegram must go to another platform (a bulletin's photo to Zalo OA groups)."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from channels.zalo_oa.media_files import FileNotGiven, TelegramFile, TelegramFiles
from core.outbound import TransientFailure


def telegram_file_reader(bot: Bot) -> TelegramFiles:
    async def read(file_id: str) -> TelegramFile:
        try:
            file = await bot.get_file(file_id)
        except BadRequest as error:  # "file is too big", an id Telegram does not know
            raise FileNotGiven(error.message) from error
        except TelegramError as error:
            raise TransientFailure(f"Telegram getFile: {error}") from error
        try:
            data = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            raise TransientFailure(f"Telegram file download: {error}") from error
        return TelegramFile(data, file.file_path or "")

    return read
