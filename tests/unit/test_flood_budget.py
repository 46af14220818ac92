"""The flood budget shared by a bot's senders, the emulator's paid-broadcast model, and the
``bulletins.paid_broadcast`` key."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import load_config
from broadcasts.alerts import stars_text
from broadcasts.pacing import WindowTokens
from emulators.telegram.errors import ApiError
from emulators.telegram.faults import GLOBAL_PER_SECOND, RateLimiter
from emulators.telegram.paid_broadcast import BALANCE_TOO_LOW, StarLedger
from tests.unit.test_config import ENV, problems_of


async def test_a_first_in_line_taker_is_served_before_every_plain_one_waiting():
    tokens = WindowTokens(1, 60.0)
    await tokens.take()
    served: list[str] = []

    async def taker(name: str, *, first: bool) -> None:
        await tokens.take(first=first)
        served.append(name)

    group_sends = [asyncio.create_task(taker(f"group {n}", first=False)) for n in range(3)]
    await asyncio.sleep(0)
    answer = asyncio.create_task(taker("answer", first=True))
    await asyncio.sleep(0)
    for _ in range(4):
        tokens.give_back_now()
        await asyncio.sleep(0)
    await asyncio.gather(answer, *group_sends)
    assert served == ["answer", "group 0", "group 1", "group 2"]
    assert not tokens.idle


async def test_a_cancelled_taker_leaves_no_token_behind():
    tokens = WindowTokens(1, 60.0)
    await tokens.take()
    waiting = asyncio.create_task(tokens.take())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    tokens.give_back_now()
    assert tokens.idle
    await tokens.take()  # the token is free again


async def test_a_taker_cancelled_while_a_token_is_handed_on_ends_cancelled():
    """The cancel lands, then a give-back pops the cancelled waiter before the taker runs again:
    the taker still ends with CancelledError (not a ValueError from its queue), the token goes
    to the next waiter, and none is lost."""
    tokens = WindowTokens(1, window=60.0)
    await tokens.take()
    cancelled = asyncio.create_task(tokens.take())
    following = asyncio.create_task(tokens.take())
    await asyncio.sleep(0)
    cancelled.cancel()
    tokens.give_back_now()  # in the same turn as the cancel
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await asyncio.wait_for(following, 1.0)
    assert following.done() and not following.cancelled()


def test_paid_sends_have_a_window_of_their_own_and_group_limits_still_hold():
    now = [100.0]
    limiter = RateLimiter(lambda: now[0], enabled=True)
    for n in range(GLOBAL_PER_SECOND):
        limiter.check("sendMessage", -1000 - n)
    with pytest.raises(ApiError) as refused:
        limiter.check("sendMessage", -2000)
    assert refused.value.error_code == 429
    for n in range(500):  # paid: past the 30 in the same second
        limiter.check("sendMessage", -3000 - n, paid=True)
    assert limiter.most_in_a_second == GLOBAL_PER_SECOND
    assert limiter.most_paid_in_a_second == 500
    for _ in range(20):
        limiter.check("sendMessage", -9, paid=True)
    with pytest.raises(ApiError):  # the 21st in one group within a minute, paid or not
        limiter.check("sendMessage", -9, paid=True)


def test_the_ledger_charges_a_tenth_of_a_star_and_refuses_when_empty():
    ledger = StarLedger()
    ledger.top_up(0.2)
    for _ in range(2):
        ledger.require()
        ledger.charge()
    assert ledger.paid_messages == 2 and ledger.spent_stars == pytest.approx(0.2)
    with pytest.raises(ApiError) as refused:
        ledger.require()
    assert refused.value.error_code == 400 and BALANCE_TOO_LOW in refused.value.description
    assert ledger.star_amount() == {"amount": 0}


def test_stars_are_written_as_the_bot_writes_numbers():
    assert stars_text(3) == "0,3"
    assert stars_text(50_000) == "5.000"
    assert stars_text(45_001) == "4.500,1"


def test_paid_broadcast_is_off_unless_said_and_must_be_a_boolean(write_config):
    assert not load_config(write_config(), ENV).bulletins.paid_broadcast
    assert load_config(write_config("\n[bulletins]\npaid_broadcast = true\n"),
                       ENV).bulletins.paid_broadcast
    path = write_config('\n[bulletins]\npaid_broadcast = "yes"\n')
    lines = problems_of(path)
    assert any(line.startswith(f"{path}: bulletins.paid_broadcast: ") for line in lines), lines
