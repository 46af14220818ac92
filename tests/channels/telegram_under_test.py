"""Telegram in the contract suite: ``channels.telegram`` on a python-telegram-bot Bot, against
the Telegram emulator (``emulators.telegram``) over real HTTP on 127.0.0.1.

The product sends to Telegram along two paths, so Telegram is tested along both:

* ``outbox``: notices to staff and questions to tipsters (``tips.notifier``) go through
  :class:`channels.telegram.TelegramChannel` on the Application's bot, which carries PTB's
  rate limiter (it waits out a few 429s itself: ``bot.app.FLOOD_RETRIES``);
* ``bulletins``: bulletin copies (``broadcasts.delivery``) go through
  :class:`channels.telegram_delivery.DeliveryChannel`, a TelegramChannel that also says when a
  request may have arrived, on a Bot of its own without the limiter
  (``channels.telegram_delivery.delivery_bot``);
* ``paid``: an alert's paid copies (``allow_paid_broadcast``), which the same DeliveryChannel
  sends through its lean Bot API client (``channels.bot_api_client``) when they are plain text
  and through PTB otherwise; here every message is marked paid, the bot's balance topped up.

Both bots wait :data:`ANSWER_WAIT` for an answer instead of the product's 5 s and 60 s, so a
send the emulator answers late times out within a second; nothing else depends on it.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot
from telegram.constants import MessageLimit
from telegram.ext import AIORateLimiter, ExtBot

from bot.app import FLOOD_RETRIES
from channels.bot_api_client import BotApiClient
from channels.lean_request import LeanRequest
from channels.telegram import TelegramChannel, deep_link
from channels.telegram_addresses import address_of_chat, chat_id_of
from channels.telegram_delivery import DeliveryChannel
from core.capabilities import ButtonStyle
from core.outbound import (
    PAID_BROADCAST,
    Button,
    ChannelAdapter,
    Media,
    MediaKind,
    OutboundMessage,
)
from emulators.telegram import FakeTelegramAPI, FakeUser
from emulators.telegram.faults import SENDING_METHODS

from .channel_under_test import (
    Address,
    Arrived,
    Capabilities,
    ChannelEntry,
    Refusal,
    SendPath,
    ServerError,
)

ANSWER_WAIT = 1.0  # seconds a bot waits for an answer (the read timeout)
ARRIVAL_WAIT = 5.0  # seconds to wait for a message that is on its way
# Longer than ANSWER_WAIT, so the bot gives up first; short, so the late message still comes.
LATE_BY = ANSWER_WAIT + 0.5
# A flood that outlasts any client-side retrying (PTB's limiter) within one test.
FLOOD_ANSWERS = 100

OUTBOX = SendPath("outbox", uncertain_when_unanswered=False, sends_to_groups=False)
BULLETINS = SendPath("bulletins", uncertain_when_unanswered=True, sends_to_groups=True)
PAID = SendPath("paid", uncertain_when_unanswered=True, sends_to_groups=True)

CAPABILITIES = Capabilities(
    buttons=ButtonStyle.CALLBACK,
    media_kinds=frozenset(MediaKind),
    # https://core.telegram.org/bots/api#sendvideonote and #sendlocation take no caption.
    uncaptioned_kinds=frozenset({MediaKind.VIDEO_NOTE, MediaKind.LOCATION}),
    caption_limit=MessageLimit.CAPTION_LENGTH,
    silent_sends=True,
    replies=True,
    edits=True,
    moving_chats=True,
    deep_links=True,  # https://core.telegram.org/bots/features#deep-linking
)

# Telegram's reasons (PTB drops the "Forbidden: " / "Bad Request: " prefix).
REFUSAL_WORDS: Mapping[Refusal, str] = {
    Refusal.BLOCKED: "bot was blocked by the user",
    Refusal.UNKNOWN: "chat not found",
    Refusal.GONE: "the group chat was deleted",
}
_PLACE = (10.4603, 105.6329)  # Cao Lãnh, Đồng Tháp


def _closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _buttons(message: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return tuple(tuple(Button(b["text"], url=b.get("url"), callback=b.get("callback_data"))
                       for b in row) for row in rows)


def _media(message: dict[str, Any]) -> Media | None:
    # A Bot API message holds its media under the kind's name (MediaKind's values are those).
    for kind in MediaKind:
        if kind.value not in message:
            continue
        if kind is MediaKind.LOCATION:
            place = message[kind.value]
            return Media(kind, f"{place['latitude']},{place['longitude']}")
        held = message[kind.value]
        # A photo arrives in several sizes, the original last (Bot API: Message.photo).
        return Media(kind, (held[-1] if isinstance(held, list) else held)["file_id"])
    return None


class TelegramUnderTest:
    """The Telegram adapter of one send path, and the emulator it talks to."""

    name = "telegram"
    capabilities = CAPABILITIES

    def __init__(self, fake: FakeTelegramAPI, path: SendPath) -> None:
        self.refusal_words = REFUSAL_WORDS
        self.fake = fake
        self.path = path
        self._bots: list[Bot] = []
        self._lean: list[BotApiClient] = []
        if path is PAID:
            fake.stars.top_up(1000)
        self.adapter: ChannelAdapter = self._adapter(fake.base_url, fake.base_file_url)
        self._sender: FakeUser | None = None

    # ---- the adapters, as the product wires them --------------------------------------
    def _adapter(self, base_url: str, base_file_url: str) -> ChannelAdapter:
        if self.path is OUTBOX:
            bot: Bot = ExtBot(self.fake.token, base_url=base_url, base_file_url=base_file_url,
                              request=LeanRequest(read_timeout=ANSWER_WAIT),
                              rate_limiter=AIORateLimiter(max_retries=FLOOD_RETRIES))
            self._bots.append(bot)
            return TelegramChannel(bot, self.fake.bot_username)
        bot = Bot(self.fake.token, base_url=base_url, base_file_url=base_file_url,
                  request=LeanRequest(connection_pool_size=8, read_timeout=ANSWER_WAIT,
                                       write_timeout=ANSWER_WAIT, connect_timeout=ANSWER_WAIT,
                                       pool_timeout=ANSWER_WAIT))
        self._bots.append(bot)
        if self.path is PAID:
            lean = BotApiClient(bot.base_url, pool_size=8, read_timeout=ANSWER_WAIT,
                                connect_timeout=ANSWER_WAIT, pool_timeout=ANSWER_WAIT)
            self._lean.append(lean)
            return _Paid(bot, self.fake.bot_username, lean=lean)
        return DeliveryChannel(bot, self.fake.bot_username)

    def unreachable_adapter(self) -> ChannelAdapter:
        root = f"http://127.0.0.1:{_closed_port()}"
        return self._adapter(f"{root}/bot", f"{root}/file/bot")

    def deep_link(self, payload: str) -> str:
        return deep_link(self.fake.bot_username, payload)

    async def start(self) -> None:
        await self._bots[0].initialize()

    async def close(self) -> None:
        for bot in self._bots:
            await bot.shutdown()
        for lean in self._lean:
            await lean.close()

    # ---- the scene ----------------------------------------------------------------------
    def person(self) -> Address:
        return address_of_chat(self.fake.user("Trần Thị Công", username="cong_an_tt").id)

    def group(self) -> Address:
        return address_of_chat(self.fake.group("Tổ tự quản Ấp 1", members=40).id)

    def unknown_address(self) -> Address:
        return address_of_chat(-1_009_999_999_999)

    def media_sample(self, kind: MediaKind) -> Media:
        """A file a resident sent the bot (the product re-sends files by their id)."""
        if kind is MediaKind.LOCATION:
            return Media(kind, f"{_PLACE[0]},{_PLACE[1]}")
        if self._sender is None:
            self._sender = self.fake.user("Nguyễn Thị Dân")
        fake, sender = self.fake, self._sender
        sent = {
            MediaKind.PHOTO: lambda: fake.send_photo(sender),
            MediaKind.VIDEO: lambda: fake.send_video(sender),
            MediaKind.DOCUMENT: lambda: fake.send_document(sender, "so_do.pdf", b"%PDF-1.4"),
            MediaKind.VOICE: lambda: fake.send_voice(sender),
            MediaKind.AUDIO: lambda: fake.send_audio(sender, "ghi_am.mp3", b"ID3\x04"),
            MediaKind.VIDEO_NOTE: lambda: fake.send_video_note(sender),
        }[kind]()
        media = _media(sent)
        assert media is not None and media.kind is kind
        return media

    # ---- what reached a recipient -------------------------------------------------------
    def received(self, recipient: Address) -> list[Arrived]:
        return [self._arrived(recipient, message)
                for message in self.fake.sent_messages(chat_id_of(recipient))]

    def _arrived(self, recipient: Address, message: dict[str, Any]) -> Arrived:
        return Arrived(
            id=message["message_id"],
            text=message.get("text") or message.get("caption") or "",
            buttons=_buttons(message),
            media=_media(message),
            silent=self.fake.sent_silently(chat_id_of(recipient), message["message_id"]),
            reply_to=message.get("reply_to_message", {}).get("message_id"),
        )

    async def wait_until_received(self, recipient: Address, count: int) -> list[Arrived]:
        chat_id = chat_id_of(recipient)
        await self.fake.wait_until(lambda: len(self.fake.sent_messages(chat_id)) >= count,
                                   timeout=ARRIVAL_WAIT,
                                   what=f"{count} message(s) in chat {recipient}")
        return self.received(recipient)

    def requests_for(self, recipient: Address) -> int:
        chat_id = chat_id_of(recipient)
        return sum(1 for call in self.fake.calls
                   if call.method in SENDING_METHODS and call.params.get("chat_id") == chat_id)

    # ---- faults -------------------------------------------------------------------------
    def block_bot(self, recipient: Address) -> None:
        self.fake.block_bot(self.fake.world.users[chat_id_of(recipient)])

    def delete_group(self, recipient: Address) -> None:
        self.fake.delete_group(self.fake.world.chats[chat_id_of(recipient)])

    def move_group(self, recipient: Address) -> Address:
        moved = self.fake.migrate_to_supergroup(self.fake.world.chats[chat_id_of(recipient)])
        return address_of_chat(moved.id)

    def flood(self, recipient: Address, seconds: int) -> None:
        self.fake.inject_error("sendMessage", chat_id=chat_id_of(recipient), error_code=429,
                               description=f"Too Many Requests: retry after {seconds}",
                               retry_after=seconds, times=FLOOD_ANSWERS)

    def fail_next_send(self, recipient: Address, shape: ServerError) -> None:
        if shape is ServerError.FRONT:
            self.fake.inject_server_error("sendMessage", chat_id=chat_id_of(recipient),
                                          status=502, html=True)
        else:
            self.fake.inject_server_error("sendMessage", chat_id=chat_id_of(recipient),
                                          status=500)

    def answer_next_send_late(self, recipient: Address) -> None:
        # The emulator delays by method; the contract's tests send one message at a time.
        self.fake.inject_delay("sendMessage", LATE_BY)


class _Paid(DeliveryChannel):
    """The delivery channel with every message an alert's paid copy."""

    async def send(self, to: Address, message: OutboundMessage) -> int:
        paid = OutboundMessage(**{**message.__dict__,
                                  "extra": {**message.extra, PAID_BROADCAST: True}})
        return await super().send(to, paid)


@asynccontextmanager
async def open_telegram(path: SendPath) -> AsyncIterator[TelegramUnderTest]:
    fake = FakeTelegramAPI()
    await fake.start()
    under_test = TelegramUnderTest(fake, path)
    try:
        await under_test.start()
        yield under_test
    finally:
        await under_test.close()
        await fake.stop()
    assert not fake.internal_errors, fake.internal_errors


TELEGRAM = ChannelEntry("telegram", CAPABILITIES, (OUTBOX, BULLETINS, PAID), open_telegram)
