"""The load side of ``bench/tip_intake.py``: residents sending tips to a bot through the fake
Bot API, and the instruments that time the bot's answers and its client rate limiter."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

from emulators.telegram import FakeTelegramAPI, FakeUser

REPLY_TIMEOUT = 30.0  # seconds a resident waits for an answer before the tip counts as lost
PREWARM_CONCURRENCY = 20


# ---- instruments ----------------------------------------------------------------------------
Predicate = Callable[[dict[str, Any]], bool]


class ReplyClock:
    """Stamps each bot message the moment the fake stores it and hands it to whoever expects
    one in that chat (oldest expectation first: the bot answers one chat in order)."""

    def __init__(self, fake: FakeTelegramAPI) -> None:
        world = fake.world
        self._bot_id = world.bot.id
        self._store = world.add_message
        world.add_message = self._add_message  # type: ignore[method-assign]
        self._expected: dict[int, deque[tuple[Predicate, asyncio.Future[Any]]]] = {}
        self.unexpected: dict[int, int] = {}  # bot messages nobody waited for, per chat

    def expect(self, chat_id: int, predicate: Predicate) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._expected.setdefault(chat_id, deque()).append((predicate, future))
        return future

    def _add_message(self, chat: Any, sender: FakeUser, content: dict[str, Any]) -> Any:
        message = self._store(chat, sender, content)
        if sender.id != self._bot_id:
            return message
        at = time.perf_counter()
        waiting = self._expected.get(chat.id)
        while waiting and waiting[0][1].done():  # given up on (timed out)
            waiting.popleft()
        if waiting and waiting[0][0](message):
            waiting.popleft()[1].set_result((at, message))
        else:
            self.unexpected[chat.id] = self.unexpected.get(chat.id, 0) + 1
        return message


class MeasuredLimiter(BaseRateLimiter[int]):
    """Wraps the client-side rate limiter: records how long each request waited in it, and can
    be told to let requests past it (``bypass``)."""

    def __init__(self, inner: BaseRateLimiter[int] | None) -> None:
        self.inner = inner
        self.bypass = False
        self.waits: list[float] = []

    async def initialize(self) -> None:
        if self.inner is not None:
            await self.inner.initialize()

    async def shutdown(self) -> None:
        if self.inner is not None:
            await self.inner.shutdown()

    async def process_request(self, callback: Callable[..., Any], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        entered = time.perf_counter()

        async def timed(*a: Any, **kw: Any) -> Any:
            self.waits.append(time.perf_counter() - entered)
            return await callback(*a, **kw)

        if self.inner is None or self.bypass:
            return await timed(*args, **kwargs)
        return await self.inner.process_request(timed, args, kwargs, endpoint, data,
                                                rate_limit_args)


# ---- load -----------------------------------------------------------------------------------
@dataclass
class PhaseResult:
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    sent_over: float = 0.0  # seconds from the first send to the last
    wall: float = 0.0  # seconds from the first send to the last receipt
    cpu: float = 0.0  # process CPU seconds over the phase, every thread
    limiter_waits: list[float] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall > 0 else 0.0

    @property
    def mean_limiter_wait_ms(self) -> float:
        waits = self.limiter_waits
        return 1000 * sum(waits) / len(waits) if waits else 0.0


@dataclass
class Subject:
    """A bot started against its fake, and what the load generator needs to drive it."""

    name: str
    fake: FakeTelegramAPI
    replies: ReplyClock
    limiter: MeasuredLimiter
    is_receipt: Predicate
    prewarm: Callable[[FakeUser, int], Awaitable[None]]
    stop: Callable[[], Awaitable[None]]
    processor: BaseUpdateProcessor
    notes: list[str] = field(default_factory=list)


async def ask(subject: Subject, user: FakeUser, text: str, predicate: Predicate) -> dict:
    future = subject.replies.expect(user.id, predicate)
    subject.fake.send_message(user, text)
    return (await asyncio.wait_for(future, REPLY_TIMEOUT))[1]


async def one_tip(subject: Subject, user: FakeUser, text: str, start: float,
                  result: PhaseResult) -> None:
    future = subject.replies.expect(user.id, subject.is_receipt)
    enqueued = time.perf_counter()
    subject.fake.send_message(user, f"/tip {text}")
    try:
        received, _ = await asyncio.wait_for(future, REPLY_TIMEOUT)
    except TimeoutError:
        result.lost += 1
        return
    result.latencies.append(received - enqueued)
    result.wall = max(result.wall, received - start)


async def timed_phase(subject: Subject, plan: list[tuple[FakeUser, str]], rate: float | None,
                      *, bypass_limiter: bool = False) -> PhaseResult:
    """Send the plan at ``rate`` tips/s (``None``: all at once) and wait for every receipt."""
    result = PhaseResult()
    subject.limiter.waits, subject.limiter.bypass = [], bypass_limiter
    cpu0, start = time.process_time(), time.perf_counter()
    tasks = []
    for n, (user, text) in enumerate(plan):
        if rate is not None:
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one_tip(subject, user, text, start, result)))
    result.sent_over = time.perf_counter() - start
    await asyncio.gather(*tasks)
    result.cpu = time.process_time() - cpu0
    result.limiter_waits, subject.limiter.bypass = subject.limiter.waits, False
    return result


async def prewarm(subject: Subject, residents: list[FakeUser]) -> None:
    gate = asyncio.Semaphore(PREWARM_CONCURRENCY)

    async def one(user: FakeUser, n: int) -> None:
        async with gate:
            await subject.prewarm(user, n)

    await asyncio.gather(*(one(user, n) for n, user in enumerate(residents)))


def merged(results: list[PhaseResult]) -> PhaseResult:
    """The rounds of one phase as one result (throughput over the rounds' summed wall time)."""
    whole = PhaseResult()
    for result in results:
        whole.latencies += result.latencies
        whole.lost += result.lost
        whole.sent_over += result.sent_over
        whole.wall += result.wall
        whole.cpu += result.cpu
        whole.limiter_waits += result.limiter_waits
    return whole


def note_strays(subject: Subject, residents: list[FakeUser]) -> None:
    resident_ids = {user.id for user in residents}
    stray = sum(n for chat, n in subject.replies.unexpected.items() if chat in resident_ids)
    subject.notes.append(f"answers in residents' chats that were not what they waited for: "
                         f"{stray}")
