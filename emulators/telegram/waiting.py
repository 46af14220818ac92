"""A wake-up signal that synchronous code can fire and coroutines can wait on.

Why not ``asyncio.Condition``: most state changes come from plain (synchronous) test helpers such
as ``fake.send_message(...)``, which cannot ``await`` a lock before notifying. A set of futures
resolved by :meth:`Signal.notify` gives the same event-driven wake-up without polling sleeps, as
long as everything runs in one event loop thread (which is how the fake is used).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Signal:
    """Wakes every waiter whenever anything changed; each waiter re-checks its condition."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Wake all current waiters (safe to call from synchronous code in the loop thread)."""
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, check: Callable[[], T | None], seconds: float) -> T | None:
        """Return the first non-``None`` result of ``check``, or ``None`` after ``seconds``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait({waiter}, timeout=remaining)
            finally:
                self._waiters.discard(waiter)
