"""Each Zalo Bot message handled once (SPEC §13): ``getUpdates`` has no offset, so the platform
may hand out an update again, and a webhook post may come twice.

Before an update is handled its ``message_id`` is claimed in ``zalo_bot_handled_messages``, in
the database, so a restart does not replay what was handled before it; a message already claimed
is dropped. Claimed first, handled after: two deliveries of one message at once (a webhook retry
while the first is still being answered) cannot both run. If handling fails the claim is released,
so the next delivery of the message is handled. The key is an HMAC of the message id under the
bot token (a message id says nothing of its sender, but the table then holds nothing the platform
could look up), kept :data:`KEPT` and then pruned.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from channels.zalo_bot.updates import BotUpdate
from core.clock import Clock
from storage import zalo_bot_messages
from storage.db import Database

log = logging.getLogger(__name__)

# The platform says nothing of how long it may re-deliver; a week is far past any retry seen.
KEPT = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)

UpdateHandler = Callable[[BotUpdate], Awaitable[None]]


class HandledOnce:
    """Runs ``on_update`` once per message id, whatever delivers it and however often."""

    def __init__(self, db: Database, token: str, on_update: UpdateHandler, clock: Clock) -> None:
        self._db = db
        self._key = token.encode()
        self._on_update = on_update
        self._clock = clock
        self._pruned_at: datetime | None = None

    def key_of(self, message_id: str) -> str:
        return hmac.new(self._key, message_id.encode(), hashlib.sha256).hexdigest()

    async def handle(self, update: BotUpdate) -> bool:
        """True when the update was handled now, False when it was a repeat (dropped). Raises
        what handling raised, after releasing the claim."""
        key = self.key_of(update.message_id)
        now = self._clock.now()
        async with self._db.transaction() as conn:
            first_time = await zalo_bot_messages.claim_message(conn, key, now)
            if first_time and self._prune_due(now):
                await zalo_bot_messages.prune_messages(conn, now - KEPT)
        if not first_time:
            log.info("Zalo Bot: dropped a %s update already handled", update.event_name)
            return False
        try:
            await self._on_update(update)
        except BaseException:
            async with self._db.transaction() as conn:
                await zalo_bot_messages.release_message(conn, key)
            raise
        return True

    def _prune_due(self, now: datetime) -> bool:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return False
        self._pruned_at = now
        return True
