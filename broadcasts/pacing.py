"""Pacing of bulletin sends under a channel's flood limits (``Capabilities.rate``; Telegram's:
~30 messages/s overall and 20/min in one group; every address a bulletin goes to is a group).
The delivery engine keeps one pacer per channel (``ChannelPacers``), and one for paid sends.

Why our own limiter rather than only PTB's ``AIORateLimiter``: Telegram (and the fake API in the
tests) count messages in a *sliding window*, while ``AIORateLimiter`` is a leaky bucket that
lets a full burst through and then refills continuously - against a sliding window that provokes
429s at every burst boundary (measured with ``bench/broadcast.py``).

The rule kept here: a send takes a token, and the token comes back one window *after the
send's answer arrived*. Why no window of Telegram's clock can then hold more than ``limit`` of
our sends: a token's next send starts after the previous answer + window; Telegram saw the
previous request before it answered (arrival <= our answer), and sees the next one after we
start it (arrival >= our start), so two sends on one token arrive at least a window apart, and
``limit`` tokens allow at most ``limit`` arrivals in any window - whatever the latency, with no
assumption about either clock.

The price is the time a token is held beyond the window: from taking it to the answer. Counting
from the request's *start* instead (plus a safety margin) would not be provable: it needs the
request to reach Telegram within the margin, and only the answer proves that; when the answer
comes within the margin, "answer + window" is already the earlier of the two. So what can be won
back is what sat between the token and the request: the row's pending -> sending commit is made
*before* the overall token is taken (``SendPacer.turn``'s ``claim``), and the token is held for
the request alone - one bare round trip a window (a few ms on a fast link).

A 429 all the same (``hold_off``): the paid pacer's 1,000 a second is Telegram's ceiling, not a
promise, and its flood wait (``retry_after``) then holds every turn of that pacer - the paid
lane's runners and the paid copies sent row by row - until it has passed, instead of the other
copies running into more 429s while the refused one waits alone. The unpaid pacers stay within
limits that provably hold; a 429 there holds its row alone (``broadcasts.delivery_outcomes``),
and they are never held off: the bot's pacer is shared with its answers in private chats.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from core.address import Address
from core.capabilities import RateLimits
from core.outbound import Channel

OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
PAID_PER_SECOND = 1000  # Telegram's allow_paid_broadcast ceiling
PRUNE_AT = 4096  # groups' tokens kept before the idle ones are dropped


class WindowTokens:
    """``limit`` tokens; a token returns ``window`` seconds after it is given back.

    ``take(first=True)`` is served before every plain ``take`` already waiting: one budget can
    be shared by the delivery engine's group sends and the answers a bot gives in private chats
    (``channels.telegram_flood``), and an answer then waits for the next free token, never
    behind a broadcast's queue.
    """

    # Slots, and queues made only when someone waits: a province's alert keeps one of these
    # per group for a minute (the group's 20/min), 5,000 of them at once.
    __slots__ = ("_first", "_free", "_held", "_rest", "limit", "window")

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._free = limit
        self._held = 0
        self._first: deque[asyncio.Future[None]] | None = None
        self._rest: deque[asyncio.Future[None]] | None = None

    async def take(self, *, first: bool = False) -> None:
        if self._free > 0 and not self._first and not self._rest:
            self._free -= 1
            self._held += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if first:
            queue = self._first = self._first if self._first is not None else deque()
        else:
            queue = self._rest = self._rest if self._rest is not None else deque()
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._return()  # granted just as we were cancelled: pass it on
            else:
                # A give-back between the cancel and this line may have popped it already.
                with contextlib.suppress(ValueError):
                    queue.remove(waiter)
            raise

    def give_back_later(self) -> None:
        asyncio.get_running_loop().call_later(self.window, self._return)

    def give_back_now(self) -> None:
        self._return()

    def _return(self) -> None:
        # A waiting taker gets the token as it is (still held): never idle in between.
        for queue in (self._first, self._rest):
            while queue:  # None or empty: nobody waits there
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held -= 1
        self._free += 1

    @property
    def idle(self) -> bool:
        return self._held == 0

    def short_of(self, count: int) -> bool:
        """``count`` takes now would not all go at once: fewer tokens are free, or someone
        waits already."""
        return self._free < count or bool(self._first) or bool(self._rest)


class SendPacer:
    """``async with pacer.turn(group): <send>`` keeps every send within both limits."""

    def __init__(self, per_second: int = OVERALL_PER_SECOND,
                 per_group_minute: int = GROUP_PER_MINUTE, *, second: float = 1.0,
                 minute: float = 60.0, overall: WindowTokens | None = None) -> None:
        # ``overall``: a budget shared with other senders of the same bot (see WindowTokens).
        self._overall = overall or WindowTokens(per_second, second)
        self._per_group = per_group_minute
        self._minute = minute
        self._groups: dict[Address, WindowTokens] = {}
        self._prune_at = PRUNE_AT
        self._not_before = 0.0  # the event loop's time before which no turn goes (hold_off)

    def hold_off(self, seconds: float) -> None:
        """No turn goes before ``seconds`` from now (Telegram's ``retry_after`` after a 429):
        turns already waiting wait longer, a turn already given is not called back."""
        until = asyncio.get_running_loop().time() + seconds
        self._not_before = max(self._not_before, until)

    def would_wait(self, address: Address, already: int = 0) -> bool:
        """Whether a turn for ``address`` would wait for its group's token (the group had its
        ``per_group_minute`` sends within the last window: up to a window's wait) once
        ``already`` turns taken for it before this one (a batch's own rows) have gone."""
        tokens = self._groups.get(address)
        if tokens is None:
            return already >= self._per_group
        return tokens.short_of(already + 1)

    def held_for(self) -> float:
        """Seconds left of a hold (``hold_off``); 0 when turns may go."""
        return max(0.0, self._not_before - asyncio.get_running_loop().time())

    async def wait_out_hold(self) -> None:
        """Returns once no hold is left (at once when there is none)."""
        await self._held_off()

    async def _held_off(self) -> None:
        loop = asyncio.get_running_loop()
        left = self._not_before - loop.time()
        while left > 0:  # a sleep to the instant, not a poll
            await asyncio.sleep(left)
            # Again: a later 429 may have moved the instant on meanwhile.
            left = self._not_before - loop.time()

    @asynccontextmanager
    async def turn(self, address: Address,
                   claim: Callable[[], Awaitable[bool]] | None = None, *,
                   claimed_before: bool = False) -> AsyncIterator[bool]:
        """A turn to send to ``address``: yields True once the send may go.

        ``claim`` (the delivery row's pending -> sending commit) runs after the group's token
        and before the overall one, so the overall token is held for the request alone and not
        for a database write (see the module docstring); when it returns False the turn yields
        False at once and gives the group's token straight back (nothing is sent).

        ``claimed_before``: the row was claimed ``sending`` before the turn (a paid batch), so
        the turn never waits out a hold; the caller asks ``held_for`` inside it."""
        hold = not claimed_before
        # Before any token or claim: a row held off stays pending, its tokens free for others.
        if hold:
            await self._held_off()
        group = self._group_tokens(address)
        # The group token first: a busy group must not hold an overall token while it waits.
        await group.take()
        try:
            # A 429 answered while this turn waited for its group's token holds it too - still
            # before the claim, so the row waits the hold out ``pending``, never ``sending``
            # (SPEC §12: a crash then leaves it to be sent, not uncertain). A hold that starts
            # after the claim is not waited here: the request goes, and a 429 it gets proves
            # nothing went out (the row goes back to pending). A caller whose rows were claimed
            # before the turn asks ``held_for`` inside it (``broadcasts.paid_lane``).
            if hold:
                await self._held_off()
            if claim is not None and not await claim():
                group.give_back_now()
                yield False
                return
            await self._overall.take()
        except BaseException:
            group.give_back_now()
            raise
        try:
            yield True
        finally:
            self._overall.give_back_later()
            group.give_back_later()
            self._forget_idle_groups()

    @classmethod
    def for_rate(cls, rate: RateLimits) -> SendPacer:
        """A pacer within a channel's declared limits (``Capabilities.rate``)."""
        return cls(max(1, int(rate.messages_per_second)),
                   max(1, int(rate.group_messages_per_minute)))

    def _group_tokens(self, address: Address) -> WindowTokens:
        tokens = self._groups.get(address)
        if tokens is None:
            tokens = self._groups[address] = WindowTokens(self._per_group, self._minute)
        return tokens

    def _forget_idle_groups(self) -> None:
        # Bounded memory over months of sends: groups with nothing in flight are dropped.
        # Pruned when twice as many as last time are kept: with more groups busy than that
        # (a province's alert holds each group's token for a minute) a prune at every send
        # would cost a pass over all of them each time.
        if len(self._groups) > self._prune_at:
            self._groups = {k: v for k, v in self._groups.items() if not v.idle}
            self._prune_at = max(PRUNE_AT, 2 * len(self._groups))


class ChannelPacers:
    """The delivery engine's pacers: one per channel within its declared rate (``Capabilities.
    rate``), unless one is given (``use``: a budget shared with the bot's answers; ``every``:
    tests and benchmarks pace every channel alone), and one for paid broadcasts."""

    def __init__(self, channel: Channel, every: SendPacer | None = None) -> None:
        self._channel = channel
        self._every = every
        self._pacers: dict[str, SendPacer] = {}
        self.paid = SendPacer(PAID_PER_SECOND, GROUP_PER_MINUTE)

    def use(self, channel: str, pacer: SendPacer) -> None:
        self._pacers[channel] = pacer

    def for_address(self, address: Address, *, paid: bool = False) -> SendPacer:
        if paid:
            return self.paid
        if self._every is not None:
            return self._every
        pacer = self._pacers.get(address.channel)
        if pacer is None:
            rate = self._channel.capabilities_for(address).rate
            pacer = self._pacers[address.channel] = SendPacer.for_rate(rate)
        return pacer
