"""Updates of different chats run side by side; updates of one chat run in order.

PTB handles updates one at a time unless told otherwise, so one person flooding the bot would
delay everyone. Fully concurrent handling would let two messages of one tip race each other.
This processor takes the middle road: a lock per chat (FIFO, so order is kept), concurrency
across chats up to ``max_concurrent_updates``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 128
UNBOUNDED = 1_000_000


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        # PTB takes its own semaphore *before* do_process_update; waiting for a chat's lock
        # while holding it would let one flooding chat fill every slot. So PTB's limit is set
        # out of reach, and ours is taken only once the chat's turn has come.
        super().__init__(UNBOUNDED)
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock, self._running:
                await coroutine
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                # Forget idle chats, so the table stays as small as the current traffic.
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
