"""Waiting until the bot has finished reacting, so a scripted transcript is the same every run.

"Settled" means: every update the emulator holds was fetched and handled, no Bot API request
is in flight (the held long poll aside), the delivery engine has nothing queued, and the outbox
of notices to staff has nothing left to send. The notices go out from their own task after the
handler returned, one a second per chat, which is why the outbox is part of the check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.runtime import RunningBot
from emulators.telegram import FakeTelegramAPI
from storage import outbox

# PTB's update queue and the outbox (in the database) signal nothing: they are re-checked this
# often, besides on every change in the emulator.
RECHECK_SECONDS = 0.02


class BotSettling:
    def __init__(self, fake: FakeTelegramAPI, running: RunningBot) -> None:
        self._fake = fake
        self._running = running

    def _busy_in_memory(self) -> bool:
        application = self._running.application
        if self._fake.pending_updates() or not application.update_queue.empty():
            return True
        if application.update_processor.current_concurrent_updates:
            return True
        if any(not call.answered and call.method != "getUpdates" for call in self._fake.calls):
            return True
        bulletins = self._running.bulletins
        return bulletins is not None and not bulletins.desk.engine.idle.is_set()

    async def _outbox_busy(self) -> bool:
        async with self._running.services.db.reading() as conn:
            counts = await outbox.statuses(conn)
        return bool(counts.get(outbox.PENDING) or counts.get(outbox.SENDING))

    async def _until(self, condition: Callable[[], bool], deadline: float) -> bool:
        """Until ``condition()``; re-checked on every change in the emulator and, since the
        bot's own queues and the database signal nothing, every ``RECHECK_SECONDS``."""
        loop = asyncio.get_running_loop()
        while (remaining := deadline - loop.time()) > 0:
            met = await self._fake.world.changed.wait_for(
                lambda: True if condition() else None, min(remaining, RECHECK_SECONDS))
            if met:
                return True
        return False

    async def _quiet_once(self, deadline: float) -> bool:
        while await self._until(lambda: not self._busy_in_memory(), deadline):
            if not await self._outbox_busy():
                return True
            await self._until(lambda: False, asyncio.get_running_loop().time() + RECHECK_SECONDS)
        return False

    async def quiet_now(self) -> bool:
        """Nothing in flight at this instant (no waiting): the cheap test before a settle."""
        return not self._busy_in_memory() and not await self._outbox_busy()

    async def settle(self, timeout: float = 30.0) -> bool:  # noqa: ASYNC109 - a budget, not I/O
        """True once the bot is quiet twice in a row, a moment apart (a task a handler started
        may not have run yet the first time); False if it is still busy after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if not await self._quiet_once(deadline):
            return False
        await self._until(lambda: False, min(deadline, loop.time() + RECHECK_SECONDS))
        return await self._quiet_once(deadline)
