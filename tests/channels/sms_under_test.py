"""SMS in the contract suite: ``channels.sms.SmsChannel`` with each provider as the bot builds it
(``bot.sms_runtime``), against its emulator over real HTTP on 127.0.0.1: SMS Gateway for Android
(``emulators.sms.android_gateway``, the commune's two-way phone) and eSMS.vn brandname SMS
(``emulators.sms.esms``, one-way).

Send paths: ``bulletins`` (a subscriber's copy of a bulletin or alert, by the delivery engine)
for both providers; ``outbox`` (an officer's question, a receipt, to someone who texted the bot)
only for the gateway, since nobody can text a brandname. Both promise never two SMS for one
message: the adapter sends the caller's key as the provider's id (``RequestId`` for eSMS), so a
send whose answer never came is ``MaybeDelivered`` and a retry with the same key is refused as a
duplicate by the provider, never a second SMS; both paths declare ``uncertain_when_unanswered``.

Where SMS differs from the suite's clauses, it declares it and those clauses skip, naming it:
an SMS has no buttons, media, captions, replies, edits, silent sends or deep links; its text is
drawn in GSM-7 without diacritics and, sent whole, cut to ``max_segments`` with "..." (SPEC §13),
so ``text_as_written`` is False and the clauses of ``test_drawn_text_contract.py`` hold instead;
a bulletin's photo is left out and its text sent (``media_as_text``); no platform refuses "too
many" (the phone queues: ``retry_after`` None); SMS has no groups to delete; only eSMS refuses a
number for good ("phone number blocked", code 99), which is SMS's "blocked the bot".

Recipients are phone numbers sealed into ``sms:<sealed>`` addresses with a key of the test's
own, as the bot seals them; the adapter opens them only to send.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from channels.sms.android_gateway import AndroidGatewayProvider
from channels.sms.channel import SmsChannel, message_number, sms_text
from channels.sms.esms import EsmsProvider
from channels.sms.provider import SmsProvider
from core.capabilities import ButtonStyle
from core.outbound import Channel, Media, MediaKind, OutboundMessage
from emulators.sms import FakeEsms, FakeSmsGateway
from org.phone_numbers import PhoneNumber
from tips.anonymity import Anonymizer

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
LATE_BY = ANSWER_WAIT + 0.5
MAX_SEGMENTS = 2
KEY = b"c" * 32

OUTBOX = SendPath("outbox", uncertain_when_unanswered=True, sends_to_groups=False)
BULLETINS = SendPath("bulletins", uncertain_when_unanswered=True, sends_to_groups=True)


def _capabilities(*, blocking: bool) -> Capabilities:
    return Capabilities(
        buttons=ButtonStyle.NONE, media_kinds=frozenset(), uncaptioned_kinds=frozenset(),
        caption_limit=0, silent_sends=False, replies=False, edits=False, moving_chats=False,
        deep_links=False, retry_after=None, text_as_written=False, media_as_text=True,
        blocking=blocking, deletable_groups=False, photos=False)


GATEWAY_CAPABILITIES = _capabilities(blocking=False)
ESMS_CAPABILITIES = _capabilities(blocking=True)
REFUSAL_WORDS: Mapping[Refusal, str] = {
    Refusal.BLOCKED: "phone number blocked",  # eSMS code 99
    Refusal.UNKNOWN: "cannot be opened",  # no number behind the address, for this key
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmsUnderTest:
    adapter: SmsChannel

    def __init__(self, name: str, capabilities: Capabilities, path: SendPath,
                 emulator: FakeSmsGateway | FakeEsms) -> None:
        self.name = name
        self.capabilities = capabilities
        self.path = path
        self.refusal_words = REFUSAL_WORDS
        self.emulator = emulator
        self._anonymizer = Anonymizer(KEY)
        self._numbers: dict[Address, PhoneNumber] = {}
        self._next = itertools.count(1)
        self.adapter = self._adapter(emulator.base_url)

    def _provider(self, base_url: str) -> SmsProvider:
        if isinstance(self.emulator, FakeSmsGateway):
            return AndroidGatewayProvider(base_url, self.emulator.username,
                                          self.emulator.password, timeout=ANSWER_WAIT)
        return EsmsProvider(self.emulator.api_key, self.emulator.secret_key,
                            next(iter(self.emulator.brandnames)), sandbox=True,
                            api_base_url=base_url, timeout=ANSWER_WAIT)

    def _adapter(self, base_url: str) -> SmsChannel:
        return SmsChannel(self._provider(base_url), self._anonymizer.open_address,
                          MAX_SEGMENTS)

    def unreachable_adapter(self) -> Channel:
        return self._adapter(f"http://127.0.0.1:{_closed_port()}")

    async def close(self) -> None:
        await self.adapter.provider.close()

    # ---- the scene ----------------------------------------------------------------------
    def _phone(self) -> Address:
        number = PhoneNumber(f"+849012{next(self._next):05d}")
        address = Address("sms", self._anonymizer.seal_address(Address("sms", number.e164)))
        self._numbers[address] = number
        return address

    def person(self) -> Address:
        """Someone who texted the gateway (a tipster): the outbox writes to them."""
        return self._phone()

    def group(self) -> Address:
        """A subscriber: the delivery engine's "group" on SMS is one phone."""
        return self._phone()

    def unknown_address(self) -> Address:
        return Address("sms", "not-sealed-with-this-key")

    def media_sample(self, kind: MediaKind) -> Media:
        raise AssertionError(f"an SMS carries no {kind}")

    def drawn(self, text: str) -> str:
        return sms_text(OutboundMessage(text))

    # ---- what reached a recipient -------------------------------------------------------
    def received(self, recipient: Address) -> list[Arrived]:
        number = self._numbers[recipient]
        if isinstance(self.emulator, FakeSmsGateway):
            return [Arrived(id=message_number(sms.id), text=sms.text)
                    for sms in self.emulator.sms_to(number.e164)]
        return [Arrived(id=message_number(sms.sms_id), text=sms.content)
                for sms in self.emulator.sent_to(number.national)]

    async def wait_until_received(self, recipient: Address, count: int) -> list[Arrived]:
        # Both emulators take the message before they hold the late answer back.
        arrived = self.received(recipient)
        assert len(arrived) >= count, arrived
        return arrived

    def requests_for(self, recipient: Address) -> int:
        # A fresh emulator each test, one recipient a clause: every request is for it.
        if isinstance(self.emulator, FakeSmsGateway):
            return self.emulator.post_attempts
        return self.emulator.requests

    # ---- faults -------------------------------------------------------------------------
    def block_bot(self, recipient: Address) -> None:
        assert isinstance(self.emulator, FakeEsms), "a gateway phone cannot be blocked"
        self.emulator.blocked.add(self._numbers[recipient].national)

    def delete_group(self, recipient: Address) -> None:
        raise AssertionError("SMS has no groups")

    def move_group(self, recipient: Address) -> Address:
        raise AssertionError("a phone number does not move")

    def flood(self, recipient: Address, seconds: int) -> None:
        raise AssertionError("no SMS provider refuses as too many")

    def fail_next_send(self, recipient: Address, shape: ServerError) -> None:
        self.emulator.fail_next_send(502 if shape is ServerError.FRONT else 500,
                                     html=shape is ServerError.FRONT)

    def answer_next_send_late(self, recipient: Address) -> None:
        self.emulator.answer_next_send_late(LATE_BY)

    def deep_link(self, payload: str) -> str:
        raise AssertionError("an SMS has no deep links")


@asynccontextmanager
async def _open(name: str, capabilities: Capabilities, path: SendPath,
                emulator: FakeSmsGateway | FakeEsms) -> AsyncIterator[SmsUnderTest]:
    await emulator.start()
    under_test = SmsUnderTest(name, capabilities, path, emulator)
    try:
        yield under_test
    finally:
        await under_test.close()
        await emulator.stop()
    assert not emulator.internal_errors, emulator.internal_errors


def open_gateway(path: SendPath) -> AsyncIterator[SmsUnderTest]:
    return _open("sms_android_gateway", GATEWAY_CAPABILITIES, path, FakeSmsGateway())


def open_esms(path: SendPath) -> AsyncIterator[SmsUnderTest]:
    return _open("sms_esms", ESMS_CAPABILITIES, path, FakeEsms())


SMS_ANDROID_GATEWAY = ChannelEntry("sms_android_gateway", GATEWAY_CAPABILITIES,
                                   (OUTBOX, BULLETINS), open_gateway)
SMS_ESMS = ChannelEntry("sms_esms", ESMS_CAPABILITIES, (BULLETINS,), open_esms)
