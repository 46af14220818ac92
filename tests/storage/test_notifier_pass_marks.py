"""The outbox worker marks every notice whose chat may take it in the transaction that reads
the queue, before any request (SPEC §12: the mark is committed before the send). A notice
marked and never sent, because the worker stopped in mid-pass, is pending again (its attempt
taken back), not left "sending" until the next start."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from core.address import Address
from core.outbound import OutboundMessage
from storage import outbox
from storage.tips_tables import outbox as outbox_table
from tests.storage.test_notifier_wake import OFFICER, OTHER_OFFICER, RecordingChannel, queue
from tips.anonymity import Anonymizer
from tips.notifier import Notifier


class StoppingChannel(RecordingChannel):
    """Records each send; at the first, reads how the queue stands and asks the worker to stop
    (as the bot's shutdown does while a notice is in flight)."""

    def __init__(self, db) -> None:
        super().__init__()
        self.db = db
        self.notifier: Notifier | None = None
        self.statuses_at_first_send: list[tuple[int, str]] = []
        self.stopping: asyncio.Task[None] | None = None

    async def send(self, to: Address, message: OutboundMessage) -> int:
        if not self.sent:
            self.statuses_at_first_send = await statuses(self.db)
            assert self.notifier is not None
            self.stopping = asyncio.create_task(self.notifier.stop())
            await asyncio.sleep(0)  # the stop has begun: the worker is closing
        return await super().send(to, message)


async def statuses(db) -> list[tuple[int, str]]:
    async with db.reading() as conn:
        rows = await conn.execute(select(outbox_table.c.attempts, outbox_table.c.status)
                                  .order_by(outbox_table.c.id))
        return [(row.attempts, row.status) for row in rows]


async def test_a_notice_marked_in_a_pass_that_stops_is_pending_again(db, clock):
    channel = StoppingChannel(db)
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock)
    channel.notifier = notifier
    await queue(db, clock, OFFICER, "to the officer")
    await queue(db, clock, OTHER_OFFICER, "to the other officer")
    await notifier.start()
    await channel.until_sent(1)
    assert channel.stopping is not None
    await asyncio.wait_for(channel.stopping, 10)
    # Both chats were free: both notices were marked before the first request went.
    assert channel.statuses_at_first_send == [(1, outbox.SENDING), (1, outbox.SENDING)]
    # The first went and is sent; the second never went: pending, its attempt taken back.
    assert channel.sent == [(OFFICER, "to the officer")]
    assert await statuses(db) == [(1, outbox.SENT), (0, outbox.PENDING)]
    # The next start sends it once.
    restarted = RecordingChannel()
    notifier = Notifier(db, restarted, Anonymizer(b"k" * 32), clock)
    await notifier.start()
    try:
        await restarted.until_sent(1)
    finally:
        await notifier.stop()
    assert restarted.sent == [(OTHER_OFFICER, "to the other officer")]
