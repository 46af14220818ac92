"""``SendPacer.hold_off`` (a 429's ``retry_after``): no turn goes before the instant it names -
neither a turn asked for after it, nor one that was already waiting for its group's token when
it came; a turn already given is not called back. Read on the event loop's clock, the pacer's
own; no timed assertion: only which instant came first."""

from __future__ import annotations

import asyncio

from broadcasts.pacing import SendPacer
from core.address import Address

GROUP = Address("telegram", "-1001")
OTHER = Address("telegram", "-1002")


async def test_no_turn_goes_before_the_instant_a_hold_names() -> None:
    loop = asyncio.get_running_loop()
    # One send a "minute" in a group, the minute short: the second turn waits for the token.
    pacer = SendPacer(100, 1, minute=0.05)
    went: dict[str, float] = {}
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with pacer.turn(GROUP):
            first_in.set()
            await release_first.wait()

    async def turn(name: str, address: Address) -> None:
        async with pacer.turn(address):
            went[name] = loop.time()

    holding = asyncio.create_task(first())
    await first_in.wait()
    waiting = asyncio.create_task(turn("waited for its token", GROUP))
    await asyncio.sleep(0)  # it is queued for the group's token now
    until = loop.time() + 0.2  # no later than the pacer's own instant
    pacer.hold_off(0.2)
    release_first.set()  # the token comes back a "minute" later, well inside the hold
    await asyncio.gather(holding, waiting, turn("asked after", OTHER))

    assert all(at >= until for at in went.values()), {k: v - until for k, v in went.items()}
    assert set(went) == {"waited for its token", "asked after"}


async def test_a_pacer_never_held_gives_its_turns_at_once() -> None:
    pacer = SendPacer(100, 20)
    entered = 0
    for _ in range(5):
        async with pacer.turn(GROUP):
            entered += 1
    assert entered == 5 and not pacer.would_wait(GROUP)


async def test_a_turn_for_a_row_claimed_before_it_never_waits_out_a_hold() -> None:
    """A paid batch's rows are ``sending`` before their turns: such a turn is given at once and
    its caller sees the hold (``held_for``) instead of waiting it out ``sending``."""
    pacer = SendPacer(100, 20)
    pacer.hold_off(30)
    async with asyncio.timeout(5):
        async with pacer.turn(GROUP, claimed_before=True) as go:
            assert go
            assert 29 < pacer.held_for() <= 30


async def test_a_batchs_own_copies_count_against_their_groups_minute() -> None:
    pacer = SendPacer(100, 2)
    assert not pacer.would_wait(GROUP) and not pacer.would_wait(GROUP, 1)
    assert pacer.would_wait(GROUP, 2)  # a third copy in one batch would wait a minute
    async with pacer.turn(GROUP):
        pass
    assert not pacer.would_wait(GROUP) and pacer.would_wait(GROUP, 1)
