"""A channel's step before the ``sending`` claim (``core.outbound.PreparesSends``, SPEC §12):
the delivery engine sends the prepared copy; a failure of the step is answered like a send's
but never as "may have been delivered"; a crash during it leaves the row ``pending``, and the
next start sends it once."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import defaultdict

import pytest
from sqlalchemy import select

from bot.channel_router import ChannelRouter
from broadcasts.bulletins import Action, Content
from channels.telegram_addresses import address_of_chat
from core.address import TELEGRAM, Address
from core.outbound import (
    MaybeDelivered,
    OutboundMessage,
    Rejected,
    RetryLater,
    TransientFailure,
    prepared_for,
)
from storage.schema import deliveries
from tests.bulletin_seed import OFFICER, RecordingChannel, link_groups, make_desk
from tests.bulletin_seed import settle as settle_desk

PREPARED = "prepared"


class Preparing:
    """What ``prepare`` does for the recording channel of one test: scripted failures per chat,
    first to last, and a hold (an upload in progress)."""

    def __init__(self) -> None:
        self.failures: dict[Address, list[Exception]] = defaultdict(list)
        self.calls: list[Address] = []
        self.hold: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def __call__(self, to: Address, message: OutboundMessage) -> OutboundMessage:
        self.calls.append(to)
        self.started.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.failures.get(to):
            raise self.failures[to].pop(0)
        return dataclasses.replace(message, extra={**message.extra, PREPARED: "1"})


@pytest.fixture
async def env(write_config, clock):
    desk, groups, _ = await make_desk(write_config(), clock)
    preparing = Preparing()
    groups.prepare = preparing  # the recording channel gains the optional step
    yield desk, groups, preparing
    await desk.stop()
    await desk.db.close()


async def statuses(desk) -> dict[int, tuple[str, int, str | None]]:
    """(status, claims, last error) per delivery row: ``attempts`` counts the claims."""
    async with desk.db.reading() as conn:
        found = await conn.execute(select(deliveries.c.id, deliveries.c.status,
                                          deliveries.c.attempts, deliveries.c.last_error))
        return {row.id: (row.status, row.attempts, row.last_error) for row in found}


async def send_now(desk) -> None:
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    await desk.submit(member, "TT-TANTHANH", "fraud", Content("Cảnh giác lừa đảo"),
                      Action.SEND_NOW)


async def test_a_channel_without_the_step_gets_the_message_as_it_is():
    class Plain:
        pass

    message = OutboundMessage("tin")
    assert await prepared_for(Plain(), address_of_chat(-1001), message) is message


async def test_the_router_asks_the_step_of_the_addresss_own_channel_only():
    uploading = RecordingChannel()
    uploading.prepare = Preparing()
    router = ChannelRouter([(TELEGRAM, RecordingChannel()), ("zalo_oa", uploading)])
    message = OutboundMessage("tin")

    assert await prepared_for(router, address_of_chat(-1001), message) is message
    prepared = await prepared_for(router, Address("zalo_oa", "group:1002"), message)
    assert prepared.extra == {PREPARED: "1"}
    assert uploading.prepare.calls == [Address("zalo_oa", "group:1002")]
    # A channel this deployment does not run: as it is (its send fails saying why).
    assert await prepared_for(router, Address("sms", "x"), message) is message


async def test_the_prepared_copy_is_sent_and_failures_of_the_step_never_make_a_row_uncertain(
        env, clock):
    desk, groups, preparing = env
    unanswered, refused, waited, plain = await link_groups(desk.db, "TT-TANTHANH", 4, clock.now())
    # No answer to the step (an upload's timeout): nothing went to the group, so retried.
    preparing.failures[address_of_chat(unanswered)] = [MaybeDelivered("upload timed out")]
    preparing.failures[address_of_chat(refused)] = [Rejected("the file is refused")]
    preparing.failures[address_of_chat(waited)] = [RetryLater("rate", 0.01)]
    await desk.start()
    await send_now(desk)
    await settle_desk(desk)

    assert [groups.copies(chat) for chat in (unanswered, refused, waited, plain)] == [1, 0, 1, 1]
    assert all(message.extra.get(PREPARED) for _, message in groups.sent)
    rows = sorted((await statuses(desk)).values())
    # Each sent row was claimed once (its step's failure never claimed it); the refused row
    # failed with the step's reason without ever being marked sending.
    assert rows == [("failed", 0, "the file is refused")] + [("sent", 1, None)] * 3
    # A retry prepares again.
    assert [preparing.calls.count(address_of_chat(chat)) for chat in (unanswered, waited)] == [
        2, 2]


async def test_a_crash_during_the_step_leaves_the_row_pending_and_the_restart_sends_it_once(
        env, clock, write_config):
    desk, groups, preparing = env
    [chat] = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    preparing.hold = asyncio.Event()
    await desk.start()
    await send_now(desk)
    await asyncio.wait_for(preparing.started.wait(), 10)
    await desk.engine.abort()  # the process dies during the upload: nothing more is written

    assert list((await statuses(desk)).values()) == [("pending", 0, None)]

    restarted, again, _ = await make_desk(write_config(), clock)
    again.prepare = Preparing()
    try:
        uncertain = await restarted.engine.start()
        await settle_desk(restarted)
        assert uncertain == {}
        assert (groups.copies(chat), again.copies(chat)) == (0, 1)
        assert list((await statuses(restarted)).values()) == [("sent", 1, None)]
    finally:
        await restarted.stop()
        await restarted.db.close()


class HeldRetry(Preparing):
    """The step's second call (the retry) waits for ``release``: the row waits between them."""

    def __init__(self) -> None:
        super().__init__()
        self.retrying = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, to: Address, message: OutboundMessage) -> OutboundMessage:
        if self.calls:
            self.retrying.set()
            await self.release.wait()
        return await super().__call__(to, message)


@pytest.mark.parametrize(("failure", "why"), [
    (TransientFailure("upload: Bad Gateway"), "upload: Bad Gateway"),
    (MaybeDelivered("upload timed out"), "before sending: upload timed out"),
    (RetryLater("upload: too many requests", 0.01), "upload: too many requests"),
])
async def test_a_row_waiting_to_retry_its_step_says_why(env, clock, failure, why):
    """The row stays ``pending`` between the step's tries, with the reason written on it
    (what ``/groups``, the summary and ops read), cleared once the copy is sent."""
    desk, groups, _ = env
    preparing = HeldRetry()
    groups.prepare = preparing
    [chat] = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    preparing.failures[address_of_chat(chat)] = [failure]
    await desk.start()
    await send_now(desk)
    await asyncio.wait_for(preparing.retrying.wait(), 10)  # the failure is written by now

    assert list((await statuses(desk)).values()) == [("pending", 0, why)]

    preparing.release.set()
    await settle_desk(desk)
    assert groups.copies(chat) == 1
    assert list((await statuses(desk)).values()) == [("sent", 1, None)]
