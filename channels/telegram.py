"""The :class:`core.outbound.Channel` for Telegram, over PTB's Bot (and its rate limiter)."""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyParameters,
)
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from channels.telegram_addresses import address_of_chat, chat_id_of
from channels.text_parts import split_message, split_text
from core.address import Address
from core.capabilities import ButtonStyle, Capabilities, RateLimits, utf16_length
from core.outbound import (
    PAID_BROADCAST,
    Button,
    ChatMoved,
    ChatUnavailable,
    MaybeDelivered,
    Media,
    MediaKind,
    OutboundMessage,
    Rejected,
    RetryLater,
    SendFailure,
    TransientFailure,
)

# Telegram's wording for a chat the bot can no longer reach (BadRequest, not Forbidden).
_GONE_MARKERS = ("chat not found", "group chat was deactivated", "user is deactivated",
                 "have no rights to send", "not enough rights", "bot was kicked")


def deep_link(bot_username: str, payload: str) -> str:
    """A link that opens a private chat with the bot and starts it with ``payload``
    (https://core.telegram.org/bots/features#deep-linking)."""
    return f"https://t.me/{bot_username}?start={payload}"


def _drawn(button: Button, bot_username: str) -> InlineKeyboardButton | None:
    if button.start is not None:
        # Without the bot's username there is no link to draw: the choice is left out.
        return (InlineKeyboardButton(button.text, url=deep_link(bot_username, button.start))
                if bot_username else None)
    if button.url:
        return InlineKeyboardButton(button.text, url=button.url)
    return InlineKeyboardButton(button.text, callback_data=button.callback)


def keyboard(buttons: tuple[tuple[Button, ...], ...],
             bot_username: str = "") -> InlineKeyboardMarkup | None:
    """Telegram's inline keyboard for ``buttons``; a deep-link button (``Button.start``) opens a
    private chat with the bot named ``bot_username``."""
    rows = [[drawn for b in row if (drawn := _drawn(b, bot_username)) is not None]
            for row in buttons]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _button_fields(button: Button, bot_username: str) -> dict[str, str] | None:
    if button.start is not None:
        return ({"text": button.text, "url": deep_link(bot_username, button.start)}
                if bot_username else None)
    if button.url:
        return {"text": button.text, "url": button.url}
    return ({"text": button.text, "callback_data": button.callback}
            if button.callback is not None else {"text": button.text})


def keyboard_fields(buttons: tuple[tuple[Button, ...], ...],
                    bot_username: str = "") -> dict[str, Any] | None:
    """The same keyboard as :func:`keyboard`, as the Bot API's JSON (what PTB's ``to_dict``
    makes of it), for a call through ``Bot._post``: building PTB's button objects only for PTB
    to take them apart again was a tenth of the CPU of a staff notice's send."""
    rows = [[fields for b in row if (fields := _button_fields(b, bot_username)) is not None]
            for row in buttons]
    rows = [row for row in rows if row]
    return {"inline_keyboard": rows} if rows else None


async def message_id_of_call(bot: Bot, method: str, data: dict[str, Any]) -> int:
    """Call a sending ``method`` (``data``: its parameters, None left out) and return the new
    message's id. PTB's ``send_message``, ``send_photo``... would turn Telegram's whole answer
    (the message, its chat, its keyboard, a photo's sizes) into objects, a fifth of the cost of
    a receipt or a staff notice, only for the id to be read: this goes through the same
    ``Bot._post`` (defaults, the rate limiter, the request layer, errors raised as PTB's
    exceptions) and reads the id from the answer."""
    answer = await bot._post(method, {k: v for k, v in data.items() if v is not None})
    return int(answer["message_id"])  # type: ignore[call-overload, index]


async def send_text(bot: Bot, chat_id: int, text: str, **options: Any) -> int:
    """``sendMessage`` (``options``: its other parameters), and the new message's id."""
    return await message_id_of_call(bot, "sendMessage", {"chat_id": chat_id, "text": text,
                                                         **options})


# A file sent by Telegram's id: the method and the name of its file parameter.
_BY_FILE_ID = {
    MediaKind.PHOTO: ("sendPhoto", "photo"), MediaKind.VIDEO: ("sendVideo", "video"),
    MediaKind.DOCUMENT: ("sendDocument", "document"), MediaKind.VOICE: ("sendVoice", "voice"),
    MediaKind.AUDIO: ("sendAudio", "audio"), MediaKind.VIDEO_NOTE: ("sendVideoNote", "video_note"),
}


def text_parts(text: str, label: str | None = None) -> list[str]:
    """``text`` as the messages Telegram takes, for answers sent straight from a handler."""
    return split_text(text, MessageLimit.MAX_TEXT_LENGTH, label)


def classify(error: TelegramError) -> SendFailure:
    """Map PTB's exceptions onto the few cases the domain distinguishes."""
    reason = error.message
    if unreadable_success(error):
        # A success status: Telegram acted on the call (a proxy cut its answer). For a notice
        # the outbox tries again (notices go at least once); never "refused" while it arrived.
        return MaybeDelivered(reason)
    if isinstance(error, RetryAfter):
        seconds = error.retry_after
        return RetryLater(reason, float(getattr(seconds, "total_seconds", lambda: seconds)()))
    if isinstance(error, ChatMigrated):
        return ChatMoved(reason, address_of_chat(error.new_chat_id))
    if isinstance(error, Forbidden):
        return ChatUnavailable(reason)
    if isinstance(error, (TimedOut, NetworkError)) and not isinstance(error, BadRequest):
        return TransientFailure(reason)
    if isinstance(error, BadRequest) and any(m in reason.lower() for m in _GONE_MARKERS):
        return ChatUnavailable(reason)
    return Rejected(reason)


def unreadable_success(error: BaseException | None) -> bool:
    """PTB's answer to a 2xx whose body is not JSON: a bare ``TelegramError`` ("Invalid server
    response") raised from the decoding error (``BaseRequest.parse_json_payload``); an error
    status with such a body is one of its subclasses (``NetworkError``, ``BadRequest``...)."""
    return type(error) is TelegramError and isinstance(error.__cause__, ValueError)


# https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this and the Bot
# API's sendMessage/sendPhoto limits, through PTB's own constants.
CAPABILITIES = Capabilities(
    text_limit=MessageLimit.MAX_TEXT_LENGTH, caption_limit=MessageLimit.CAPTION_LENGTH,
    buttons=ButtonStyle.CALLBACK, url_buttons=True, max_buttons=100,
    media=frozenset(MediaKind), silent_sends=True, edits=True, replies=True, deep_links=True,
    rate=RateLimits(messages_per_second=30, group_messages_per_minute=20,
                    private_interval_seconds=1.0),
    reply_window=None, measure=utf16_length)


class TelegramChannel:
    text_limit = CAPABILITIES.text_limit

    def __init__(self, bot: Bot, bot_username: str = "") -> None:
        """``bot_username`` draws deep links (``Button.start``); without it the channel says it
        has none, and the core offers none."""
        self._bot = bot
        self.bot_username = bot_username
        self.capabilities = dataclasses.replace(CAPABILITIES, deep_links=bool(bot_username))

    def capabilities_for(self, to: Address) -> Capabilities:
        return self.capabilities

    def parts_of(self, message: OutboundMessage) -> list[OutboundMessage]:
        return split_message(message, self.text_limit)

    def parts_for(self, to: Address, message: OutboundMessage) -> list[OutboundMessage]:
        return self.parts_of(message)

    async def send(self, to: Address, message: OutboundMessage) -> int:
        media = message.media
        try:
            if media is None:
                return await send_text(self._bot, chat_id_of(to), message.text,
                                       **self._common_fields(message))
            if media.data is None or media.kind is MediaKind.LOCATION:
                return await self._send_by_id(chat_id_of(to), message, media)
            sent = await self._upload(chat_id_of(to), message, media)
        except TelegramError as error:
            raise classify(error) from error
        return sent.message_id

    async def _send_by_id(self, chat_id: int, message: OutboundMessage, media: Media) -> int:
        """A location, or a file Telegram already has (its file id): only the id is read."""
        data = {"chat_id": chat_id, **self._common_fields(message)}
        if media.kind is MediaKind.LOCATION:
            latitude, longitude = (float(x) for x in media.file_id.split(","))
            return await message_id_of_call(self._bot, "sendLocation", {
                **data, "latitude": latitude, "longitude": longitude})
        method, parameter = _BY_FILE_ID[media.kind]
        if media.kind is not MediaKind.VIDEO_NOTE:  # video notes take no caption
            data["caption"] = message.text or None
        return await message_id_of_call(self._bot, method, {**data, parameter: media.file_id})

    def _common_fields(self, message: OutboundMessage) -> dict[str, Any]:
        """:meth:`_common` as the Bot API's JSON, for a call through ``Bot._post`` (PTB sends
        a dict as it is, where it would turn its own objects into the same dict first)."""
        common: dict[str, Any] = {
            "reply_markup": keyboard_fields(message.buttons, self.bot_username),
            "disable_notification": message.silent}
        if message.extra.get(PAID_BROADCAST):
            common["allow_paid_broadcast"] = True
        if message.reply_to_message_id is not None:
            common["reply_parameters"] = {"message_id": message.reply_to_message_id,
                                          "allow_sending_without_reply": True}
        return common

    def _common(self, message: OutboundMessage) -> dict[str, Any]:
        """The parameters every kind of message takes, as PTB's objects (for its ``send_*``
        methods: uploads)."""
        common: dict[str, Any] = {"reply_markup": keyboard(message.buttons, self.bot_username),
                                  "disable_notification": message.silent}
        if message.extra.get(PAID_BROADCAST):  # an alert the officer chose to pay for
            common["allow_paid_broadcast"] = True
        if message.reply_to_message_id is not None:
            # An officer may have deleted the message replied to: the reply still goes, plain.
            common["reply_parameters"] = ReplyParameters(message.reply_to_message_id,
                                                         allow_sending_without_reply=True)
        return common

    async def _upload(self, chat_id: int, message: OutboundMessage, media: Media) -> Message:
        """A file the bot holds, uploaded: the answer is read whole, for the id Telegram gave
        the file (the next copy goes by it)."""
        sent = await self._send_file(chat_id, media.kind, InputFile(
            media.data, filename=media.file_name or None), message.text or None,
            self._common(message))
        file_id = uploaded_file_id(sent)
        if media.uploaded is not None and file_id:
            media.uploaded(file_id)
        return sent

    async def _send_file(self, chat_id: int, kind: MediaKind, file: InputFile,
                         caption: str | None, common: dict[str, Any]) -> Message:
        """An uploaded file (``InputFile``), sent as ``kind``."""
        if kind is MediaKind.PHOTO:
            return await self._bot.send_photo(chat_id, file, caption=caption, **common)
        if kind is MediaKind.VIDEO:
            return await self._bot.send_video(chat_id, file, caption=caption, **common)
        if kind is MediaKind.DOCUMENT:
            # An uploaded copy stays a document, whatever its bytes look like.
            return await self._bot.send_document(chat_id, file, caption=caption,
                                                 disable_content_type_detection=True, **common)
        if kind is MediaKind.VOICE:
            return await self._bot.send_voice(chat_id, file, caption=caption, **common)
        if kind is MediaKind.AUDIO:
            return await self._bot.send_audio(chat_id, file, caption=caption, **common)
        # video notes take no caption
        return await self._bot.send_video_note(chat_id, file, **common)

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        try:
            await self._bot.edit_message_reply_markup(
                chat_id_of(to), message_id, reply_markup=keyboard(buttons, self.bot_username))
        except TelegramError as error:
            if is_not_modified(error):
                return
            raise classify(error) from error


def uploaded_file_id(sent: Message) -> str | None:
    """The id Telegram gave a file the bot uploaded: the next copy is sent by it."""
    if sent.photo:
        return sent.photo[-1].file_id
    for file in (sent.document, sent.video, sent.voice, sent.audio, sent.video_note):
        if file is not None:
            return file.file_id
    return None


def is_not_modified(error: TelegramError) -> bool:
    """Telegram's refusal of an edit that would leave the message as it is: what the edit asked
    for is already shown, so it is no failure."""
    return "message is not modified" in error.message.lower()
