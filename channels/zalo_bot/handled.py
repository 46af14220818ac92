"""Each Zalo Bot message handled once (SPEC §13): ``getUpdates`` has no offset, so the platform
may hand out an update again, and a webhook post may come twice.

Before an update is handled its ``message_id`` is claimed in ``zalo_bot_handled_messages``
(``channels.inbound_once``: never handled twice, no silent loss), so a restart does not replay
what was handled before it; a message already handled is dropped, and so is one a dying process
was handling (counted and logged as uncertain at the next start). If handling fails the claim is
deleted, so the next delivery of the message is handled. The key is an HMAC of the message id
under the bot token (a message id says nothing of its sender, but the table then holds nothing
the platform could look up), kept :data:`KEPT` and then pruned.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from datetime import timedelta

from channels.inbound_once import InboundOnce, Outcome
from channels.zalo_bot.addresses import ZALO_BOT
from channels.zalo_bot.updates import BotUpdate
from core.clock import Clock
from storage.db import Database
from storage.inbound_claims import ZALO_BOT_MESSAGES

# The platform says nothing of how long it may re-deliver; a week is far past any retry seen.
KEPT = timedelta(days=7)

UpdateHandler = Callable[[BotUpdate], Awaitable[None]]


class HandledOnce:
    """Runs ``on_update`` once per message id, whatever delivers it and however often."""

    def __init__(self, db: Database, token: str, on_update: UpdateHandler, clock: Clock) -> None:
        self._key = token.encode()
        self._on_update = on_update
        self._once = InboundOnce(db, ZALO_BOT_MESSAGES, ZALO_BOT, clock, kept=KEPT)

    def key_of(self, message_id: str) -> str:
        return hmac.new(self._key, message_id.encode(), hashlib.sha256).hexdigest()

    async def give_up_left_claims(self) -> int:
        """Before the first update is taken: messages a dead process was handling are uncertain."""
        return await self._once.give_up_left_claims()

    @property
    def once(self) -> InboundOnce:
        """The claims themselves (a webhook's start and stop run them: ``ListenedReceiver``)."""
        return self._once

    async def handle(self, update: BotUpdate) -> Outcome:
        """Handled now, or dropped (the outcome says why). Raises what handling raised, after
        deleting the claim."""
        return await self._once.run(self.key_of(update.message_id),
                                    lambda: self._on_update(update))
