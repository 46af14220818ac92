"""Zalo Bot in the contract suite: ``channels.zalo_bot`` (its own httpx client) against the Zalo
Bot emulator (``emulators.zalo_bot``) over real HTTP on 127.0.0.1.

One send path, as the product has it: ``outbox`` sends receipts, relays and staff questions to a
person's private chat with the bot. There is no bulletin path: a Zalo Bot cannot join groups
today (``getMe``: ``can_join_groups`` false), so ``groups=False`` and the group clauses are
skipped with that reason. The platform has no buttons (``ButtonStyle.NONE``: numbered lines) and
carries none of the core's media (``sendPhoto`` takes a public URL, the core's media are
platform file ids), so the photo clauses are skipped and every media kind is refused with a
reason. Its rate refusal names no wait: the adapter's own is checked (``retry_after=False``).
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

from channels.zalo_bot.addresses import chat_address, chat_id_of
from channels.zalo_bot.api import ZaloBotApi
from channels.zalo_bot.channel import ZaloBotChannel, message_number
from core.capabilities import ButtonStyle
from core.outbound import Channel, Media, MediaKind
from emulators.zalo_bot import FakeZaloBot

from .channel_under_test import (
    Address,
    Arrived,
    Capabilities,
    ChannelEntry,
    Refusal,
    SendPath,
    ServerError,
)

ANSWER_WAIT = 1.0
CONNECT_WAIT = 10.0
LATE_BY = ANSWER_WAIT + 0.5
FLOOD_ANSWERS = 100

OUTBOX = SendPath("outbox", uncertain_when_unanswered=False, sends_to_groups=False)

CAPABILITIES = Capabilities(
    buttons=ButtonStyle.NONE,
    media_kinds=frozenset(),
    uncaptioned_kinds=frozenset(),
    caption_limit=0,
    silent_sends=False,
    replies=False,
    edits=False,
    moving_chats=False,
    deep_links=False,
    retry_after=False,
    groups=False,
    photos=False,
)

REFUSAL_WORDS: Mapping[Refusal, str] = {
    Refusal.BLOCKED: "blocked the bot",
    Refusal.UNKNOWN: "chat not found",
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ZaloBotUnderTest:
    name = "zalo_bot"
    capabilities = CAPABILITIES

    def __init__(self, zalo: FakeZaloBot, path: SendPath) -> None:
        self.refusal_words = REFUSAL_WORDS
        self.zalo = zalo
        self.path = path
        # Only the answer is awaited briefly (a late one times out quickly); connecting may take
        # longer on a loaded machine, and a connect timeout is a different failure.
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(ANSWER_WAIT, connect=CONNECT_WAIT))
        self.adapter: Channel = self._adapter(zalo.base_url)

    def _adapter(self, api_base_url: str) -> Channel:
        return ZaloBotChannel(ZaloBotApi(self._http, api_base_url, self.zalo.token))

    def unreachable_adapter(self) -> Channel:
        return self._adapter(f"http://127.0.0.1:{_closed_port()}")

    async def close(self) -> None:
        await self._http.aclose()

    # ---- the scene ----------------------------------------------------------------------
    def person(self) -> Address:
        return chat_address(self.zalo.user("Trần Thị Công").id)

    def group(self) -> Address:
        raise AssertionError("a Zalo Bot cannot join groups (groups=False)")

    def unknown_address(self) -> Address:
        return chat_address("0123456789abcdef0123")

    def media_sample(self, kind: MediaKind) -> Media:
        raise AssertionError(f"a Zalo Bot carries no {kind}")

    # ---- what reached a recipient -------------------------------------------------------
    def received(self, recipient: Address) -> list[Arrived]:
        return [Arrived(id=message_number(sent.message_id), text=str(sent.body.get("text", "")))
                for sent in self.zalo.sent_to(chat_id_of(recipient))]

    async def wait_until_received(self, recipient: Address, count: int) -> list[Arrived]:
        await self.zalo.wait_until_sent(chat_id_of(recipient), count)
        return self.received(recipient)

    def requests_for(self, recipient: Address) -> int:
        return self.zalo.requests_to(chat_id_of(recipient))

    # ---- faults -------------------------------------------------------------------------
    def block_bot(self, recipient: Address) -> None:
        self.zalo.block_bot(self.zalo.users[chat_id_of(recipient)])

    def delete_group(self, recipient: Address) -> None:
        raise AssertionError("a Zalo Bot cannot join groups (groups=False)")

    def move_group(self, recipient: Address) -> Address:
        raise AssertionError("a Zalo Bot cannot join groups (groups=False)")

    def flood(self, recipient: Address, seconds: int) -> None:
        # The refusal names no wait; ``seconds`` has no way to reach the adapter.
        self.zalo.inject_error(chat_id_of(recipient), 429, "Too Many Requests",
                               times=FLOOD_ANSWERS)

    def fail_next_send(self, recipient: Address, shape: ServerError) -> None:
        self.zalo.inject_server_error(chat_id_of(recipient),
                                      status=502 if shape is ServerError.FRONT else 500,
                                      html=shape is ServerError.FRONT)

    def answer_next_send_late(self, recipient: Address) -> None:
        self.zalo.inject_delay(chat_id_of(recipient), LATE_BY)

    def deep_link(self, payload: str) -> str:
        raise AssertionError("a Zalo Bot has no deep links")


@asynccontextmanager
async def open_zalo_bot(path: SendPath) -> AsyncIterator[ZaloBotUnderTest]:
    zalo = FakeZaloBot()
    await zalo.start()
    under_test = ZaloBotUnderTest(zalo, path)
    try:
        yield under_test
    finally:
        await under_test.close()
        await zalo.stop()
    assert not zalo.internal_errors, zalo.internal_errors


ZALO_BOT = ChannelEntry("zalo_bot", CAPABILITIES, (OUTBOX,), open_zalo_bot)
