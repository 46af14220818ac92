"""The outbox worker is woken only when a queued notice could go before its next planned pass.

One officer's chat takes about one message a second; in a burst of tips to the same officers
every tip used to wake the worker, which re-read the whole queue to send nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from channels.telegram import CAPABILITIES
from channels.telegram_addresses import address_of_chat, chat_id_of
from channels.text_parts import split_message
from core.address import Address
from core.capabilities import Capabilities
from core.outbound import Button, OutboundMessage
from storage import outbox
from tips.anonymity import Anonymizer
from tips.notifier import Notifier

OFFICER, OTHER_OFFICER = 900000002, 900000003


class RecordingChannel:
    text_limit = 4096

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.arrived = asyncio.Condition()

    def capabilities_for(self, to: Address) -> Capabilities:
        return CAPABILITIES

    def parts_for(self, to: Address, message: OutboundMessage) -> list[OutboundMessage]:
        return split_message(message, self.text_limit)

    async def send(self, to: Address, message: OutboundMessage) -> int:
        async with self.arrived:
            self.sent.append((chat_id_of(to), message.text))
            self.arrived.notify_all()
        return len(self.sent)

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        raise AssertionError("not used")

    async def until_sent(self, count: int) -> None:
        async with asyncio.timeout(10), self.arrived:
            await self.arrived.wait_for(lambda: len(self.sent) >= count)


class CountingNotifier(Notifier):
    """Counts its passes over the queue, and tells when it is between two of them."""

    passes = 0
    finished = 0
    last_wait = 0.0

    async def deliver_due(self) -> float:
        self.passes += 1
        self.last_wait = await super().deliver_due()
        self.finished += 1
        async with self.between_passes:
            self.between_passes.notify_all()
        return self.last_wait

    async def until_waiting(self) -> int:
        """The passes so far, once none is under way and the next is planned for later (after
        a pass that sent something, the next one follows at once)."""
        async with asyncio.timeout(10), self.between_passes:
            await self.between_passes.wait_for(
                lambda: self.finished == self.passes and self.last_wait > 0)
        return self.passes


@pytest.fixture
async def running(db, clock) -> AsyncIterator[tuple[CountingNotifier, RecordingChannel]]:
    """A started outbox worker on an empty queue, and the channel it sends through."""
    channel = RecordingChannel()
    notifier = CountingNotifier(db, channel, Anonymizer(b"k" * 32), clock)
    notifier.between_passes = asyncio.Condition()
    await notifier.start()
    yield notifier, channel
    await notifier.stop()


async def queue(db, clock, chat_id: int, text: str) -> None:
    async with db.transaction() as conn:
        await outbox.enqueue(conn, payload={"text": text}, now=clock.now(),
                             address=address_of_chat(chat_id))


async def settle() -> None:
    # Enough turns of the loop for a woken worker to begin its pass (it counts the pass before
    # touching the database); no time passes.
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_notice_to_a_chat_that_must_wait_does_not_wake_the_worker(db, clock, running):
    notifier, channel = running
    await queue(db, clock, OFFICER, "first")
    await queue(db, clock, OFFICER, "second")
    notifier.wake([address_of_chat(OFFICER)])
    await channel.until_sent(1)
    passes = await notifier.until_waiting()  # planned: the officer's next turn
    # A burst: the officer's next notice waits for that turn anyway; nothing is re-read.
    await queue(db, clock, OFFICER, "third")
    notifier.wake([address_of_chat(OFFICER)])
    await settle()
    assert notifier.passes == passes
    # Another officer's chat is free: that wakes it, and the notice goes at once.
    await queue(db, clock, OTHER_OFFICER, "to the other")
    notifier.wake([address_of_chat(OTHER_OFFICER)])
    await channel.until_sent(2)
    assert channel.sent[1] == (OTHER_OFFICER, "to the other")
    # Nothing waiting was lost: the officer's notices go on their turns, in order.
    await channel.until_sent(4)
    assert channel.sent[2:] == [(OFFICER, "second"), (OFFICER, "third")]


async def test_a_wake_without_chats_always_looks(db, clock, running):
    notifier, channel = running
    await queue(db, clock, OFFICER, "first")
    notifier.wake()
    await channel.until_sent(1)
    passes = await notifier.until_waiting()
    notifier.wake()  # a relay notice to a tipster: its chat is not known here
    await settle()
    assert notifier.passes > passes


async def test_a_pass_that_sent_plans_the_next_for_the_chats_next_turn(db, clock, running):
    notifier, channel = running
    before = await notifier.until_waiting()  # the pass at start, on an empty queue
    await queue(db, clock, OFFICER, "first")
    await queue(db, clock, OFFICER, "second")
    notifier.wake([address_of_chat(OFFICER)])
    await channel.until_sent(1)
    passes = await notifier.until_waiting()
    # One pass sent and planned the officer's next turn; no pass re-read the queue in between
    # only to find that chat still busy.
    assert passes == before + 1
    assert notifier.last_wait > 0.5
    await channel.until_sent(2)
    assert channel.sent == [(OFFICER, "first"), (OFFICER, "second")]
