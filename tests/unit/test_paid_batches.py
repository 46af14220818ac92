"""Paid alerts in batches (``broadcasts.paid_lane``): a batch is ``sending`` in a commit before
any of its requests, so a crash with requests out leaves every row uncertain and none re-sent;
the failure rules are the row-by-row path's; a refused balance sends the rest unpaid, once;
the running totals written for a batch equal a rebuild from the rows."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from channels.telegram_addresses import address_of_chat
from core.outbound import (
    PAID_BROADCAST,
    ChatUnavailable,
    MaybeDelivered,
    PaidSendRefused,
    RetryLater,
    TransientFailure,
)
from storage.schema import deliveries
from storage.stats_rebuild import rebuild_rollup
from tests.bulletin_seed import OFFICER, link_groups, make_desk
from tests.storage.test_stats_rollup import snapshot

PAID = "\n[bulletins]\npaid_broadcast = true\n"


@pytest.fixture
async def env(write_config, clock):
    desk, groups, staff = await make_desk(write_config(PAID), clock)
    yield desk, groups, staff
    await desk.stop()
    await desk.db.close()


async def settle(desk) -> None:
    await asyncio.wait_for(desk.engine.idle.wait(), 10)


async def statuses(desk) -> list[str]:
    async with desk.db.reading() as conn:
        return list((await conn.execute(
            select(deliveries.c.status).order_by(deliveries.c.id))).scalars())


async def alert(desk, text="Lũ lớn, di dời ngay"):
    return await desk.alert(desk.directory.staff_member(address_of_chat(OFFICER)), text)


def paid_copies(groups, chat_id: int) -> list[bool]:
    return [bool(m.extra.get(PAID_BROADCAST)) for c, m in groups.sent if c == chat_id]


async def test_every_group_gets_one_paid_copy(env, clock):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 7, clock.now())
    await desk.start()
    await alert(desk)
    await settle(desk)
    assert all(paid_copies(groups, c) == [True] for c in chats)
    assert await statuses(desk) == ["sent"] * 7


async def test_a_batch_is_sending_before_its_requests_and_a_crash_leaves_it_uncertain(
        env, clock, write_config):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 5, clock.now())
    groups.hold = asyncio.Event()  # every request is out, none answered
    await desk.start()
    await alert(desk)

    for _ in range(1000):  # until every request is out (the channel holds them)
        if await statuses(desk) == ["sending"] * 5:
            break
        await asyncio.sleep(0.01)
    assert await statuses(desk) == ["sending"] * 5 and not groups.sent
    await desk.engine.abort()  # the crash
    groups.hold.set()
    restarted, again, _ = await make_desk(write_config(PAID), clock)
    try:
        uncertain = await restarted.engine.start()
        await settle(restarted)
        assert sum(uncertain.values()) == 5
        assert await statuses(restarted) == ["uncertain"] * 5
        # Never re-sent on its own, by either run.
        assert all(groups.copies(c) == 0 and again.copies(c) == 0 for c in chats)
    finally:
        await restarted.stop()
        await restarted.db.close()


async def test_errors_in_a_batch_follow_the_row_rules(env, clock):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 5, clock.now())
    groups.failures[chats[0]] = [RetryLater("Too Many Requests", 0.01)]
    groups.failures[chats[1]] = [ChatUnavailable("bot was kicked")]
    groups.failures[chats[2]] = [MaybeDelivered("Timed out")]
    groups.failures[chats[3]] = [TransientFailure("Bad Gateway")] * 2
    await desk.start()
    await alert(desk)
    await settle(desk)
    assert await statuses(desk) == ["sent", "failed", "uncertain", "sent", "sent"]
    assert [groups.copies(c) for c in chats] == [1, 0, 0, 1, 1]
    assert paid_copies(groups, chats[0]) == [True]  # a 429 is waited out, still paid


async def test_a_refused_balance_sends_the_rest_unpaid_and_once(env, clock):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 4, clock.now())
    for chat in chats[2:]:
        groups.failures[chat] = [PaidSendRefused("BALANCE_TOO_LOW")]
    await desk.start()
    await alert(desk)
    await settle(desk)
    assert [paid_copies(groups, c) for c in chats] == [[True], [True], [False], [False]]
    assert await statuses(desk) == ["sent"] * 4
    await alert(desk, "Tin thứ hai")  # the next alert tries to pay again
    await settle(desk)
    assert all(paid_copies(groups, c)[-1] for c in chats)


async def test_the_totals_written_for_batches_equal_a_rebuild(env, clock):
    desk, _, _ = env
    # Registered weeks ago: the groups are judged, so the weekly histogram moves too.
    await link_groups(desk.db, "TT-TANTHANH", 6, clock.now() - timedelta(days=21))
    await link_groups(desk.db, "TT-TANTHANH-A1", 3, clock.now(), first_chat_id=-2000)
    await desk.start()
    await alert(desk)
    await settle(desk)
    await alert(desk, "Tin thứ hai")
    await settle(desk)
    kept = await snapshot(desk.db)
    assert kept["stats_week_groups"] and kept["stats_delivery_days"]
    async with desk.db.transaction() as conn:
        await rebuild_rollup(conn, clock.now())
    assert await snapshot(desk.db) == kept


async def test_rows_left_pending_by_a_stop_are_resumed_paid_after_the_restart(
        env, clock, write_config):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 4, clock.now())
    await alert(desk)  # planned and queued, never started: the process stops here
    assert await statuses(desk) == ["pending"] * 4
    restarted, again, _ = await make_desk(write_config(PAID), clock)
    try:
        assert await restarted.engine.start() == {}
        await settle(restarted)
        assert [paid_copies(again, c) for c in chats] == [[True]] * 4
        assert not groups.sent
        assert await statuses(restarted) == ["sent"] * 4
    finally:
        await restarted.stop()
        await restarted.db.close()


async def test_a_copy_that_cannot_be_drawn_is_retried_and_the_batch_answers_are_written(
        env, clock):
    """A bulletin read failing before one copy's request must not strand the batch's other
    copies (already out) in ``sending``: they would be reported uncertain and re-sendable."""
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 6, clock.now())
    real_bulletin = desk.engine.bulletin
    failures = iter([RuntimeError("database went away")])

    async def flaky_bulletin(bulletin_id):
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return await real_bulletin(bulletin_id)

    desk.engine.bulletin = flaky_bulletin
    await desk.start()
    await alert(desk)
    await settle(desk)
    assert await statuses(desk) == ["sent"] * 6
    assert [groups.copies(c) for c in chats] == [1] * 6


async def test_a_copy_to_a_group_that_spent_its_minute_does_not_hold_the_batch(env, clock):
    """A group's paid copies of the minute spent (20), its next copy would wait up to a minute
    for its token: it goes one by one, still paid, and the batch's other copies are answered
    and written meanwhile instead of waiting with it."""
    desk, groups, _ = env
    [busy] = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    await desk.start()
    for n in range(20):
        await alert(desk, f"Tin {n + 1}")
    await settle(desk)
    [free] = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now(), first_chat_id=-2000)
    await alert(desk, "Tin 21")

    for _ in range(1000):  # until the free group's answer is written
        if (await statuses(desk))[-1] == "sent":
            break
        await asyncio.sleep(0.01)
    # The busy group's copy waits for its token in the row-by-row path, its row not yet
    # claimed (pending); the free group's was sent and written.
    assert (await statuses(desk))[-2:] == ["pending", "sent"]
    assert paid_copies(groups, free) == [True] and len(paid_copies(groups, busy)) == 20
    await desk.engine.abort()
