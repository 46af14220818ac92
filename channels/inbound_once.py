"""Each inbound event of Zalo OA, Zalo Bot or SMS handled at most once, and none lost silently
(SPEC §11, §12, §13). Exactly once is impossible without the platform's help: an event is
handled, then answered, and the process may die in between.

The rule, the Telegram webhook inbox's (``ops.inbox_feed``):

- an event is claimed (``storage.inbound_claims``, committed ``handling``) before it is
  handled, and the claim is ``done`` after; a delivery of the event finding it ``done`` is
  dropped (the platform's retry of an event it saw no answer for, a replay);
- a handling that *failed* (an exception) deletes the claim: the platform's retry is handled;
- a delivery arriving while this process is still handling the event is dropped: that is the
  normal "not twice" case (the receiver asks the platform to come back later, see
  :data:`Outcome.IN_PROGRESS`);
- a claim still ``handling`` that no handling of this process holds was left by a process
  that died mid-way. At a receiver's start every such claim is one (only the leader receives,
  ``bot.runtime``, and it starts its receivers after it took the lead); one found later (a
  dying leader's last claim after the new leader started) is one too. It becomes
  ``uncertain``: counted in ``kna_inbound_uncertain_total{channel}``, logged with no content
  and no sender, and never handled again. A cancelled handling (the bot stopping mid-way)
  leaves its claim for the next start to find, for the same reason: part of it may be done;
- a stopping receiver lets the handlings under way finish (``drain``, bounded) before the bot
  closes the clients and the database they use; a handling that fails after that grace keeps
  its claim too (its failure may be the stop's closed client, after its tip was filed):
  uncertain at the next start, rather than handled again on the platform's retry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import Enum

from core.clock import Clock
from ops.metrics import INBOUND_UNCERTAIN
from storage import inbound_claims
from storage.db import Database
from storage.inbound_claims import DONE, HANDLING, ClaimTable

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=1)
# How long a stopping receiver waits for the events it is handling (a tip's receipt, a download).
STOP_GRACE_SECONDS = 10.0


class Outcome(Enum):
    HANDLED = "handled"
    # Handled before (a replay, or the retry of an event answered too late): dropped.
    REPEATED = "repeated"
    # A process died handling it: dropped, counted and logged as uncertain.
    UNCERTAIN = "uncertain"
    # Being handled in this process right now: dropped. A webhook answers it 503 so that the
    # platform asks again later: by then the claim is ``done`` (dropped) or, if the handling
    # failed, gone (handled), where a 200 would have lost a failed event.
    IN_PROGRESS = "in_progress"


class InboundOnce:
    """The claims of one channel's inbound events (``channel`` names it in logs and metrics)."""

    def __init__(self, db: Database, claims: ClaimTable, channel: str, clock: Clock, *,
                 kept: timedelta) -> None:
        self._db = db
        self._claims = claims
        self._channel = channel
        self._clock = clock
        self._kept = kept
        self._held: set[str] = set()
        self._pruned_at: datetime | None = None
        self._stopping = False
        self._none_held = asyncio.Event()
        self._none_held.set()

    async def drain(self, grace: float | None = None) -> None:
        """At a receiver's stop (after it stopped taking requests): wait up to ``grace`` seconds
        (:data:`STOP_GRACE_SECONDS`) for the handlings under way. From then on a failed handling
        keeps its claim: the bot now closes the clients it may still need, so its failure says
        nothing of whether its work was done. (A failure within the grace is an ordinary one:
        the claim is released and the platform's retry handled.)"""
        try:
            if self._held:
                await asyncio.wait_for(self._none_held.wait(),
                                       STOP_GRACE_SECONDS if grace is None else grace)
        except TimeoutError:
            log.warning("%s: %d inbound event(s) still being handled at the stop",
                        self._channel, len(self._held))
        finally:
            self._stopping = True

    async def give_up_left_claims(self) -> int:
        """At a receiver's start: every claim left ``handling`` becomes uncertain. How many."""
        async with self._db.transaction() as conn:
            uncertain = await inbound_claims.give_up_handling(conn, self._claims)
        if uncertain:
            self._count_uncertain(uncertain)
        return uncertain

    async def run(self, key: str, handle: Callable[[], Awaitable[None]]) -> Outcome:
        """Claim ``key`` and ``handle`` the event, or drop it (the outcome says why). Raises
        what handling raised, after deleting the claim."""
        if key in self._held:
            return self._dropped(Outcome.IN_PROGRESS)
        self._held.add(key)
        self._none_held.clear()
        try:
            return await self._claimed_and_handled(key, handle)
        finally:
            self._held.discard(key)
            if not self._held:
                self._none_held.set()

    async def _claimed_and_handled(self, key: str,
                                   handle: Callable[[], Awaitable[None]]) -> Outcome:
        now = self._clock.now()
        async with self._db.transaction() as conn:
            found = await inbound_claims.claim(conn, self._claims, key, now)
            if found == HANDLING:
                # Not held here (checked above): its process died holding it.
                if await inbound_claims.set_uncertain(conn, self._claims, key):
                    self._count_uncertain(1)
                found = inbound_claims.UNCERTAIN
            if found is None and self._prune_due(now):
                await inbound_claims.prune(conn, self._claims, now - self._kept)
        if found is not None:
            return self._dropped(Outcome.REPEATED if found == DONE else Outcome.UNCERTAIN)
        try:
            await handle()
        except Exception:
            if not self._stopping:
                async with self._db.transaction() as conn:
                    await inbound_claims.release(conn, self._claims, key)
            raise
        async with self._db.transaction() as conn:
            await inbound_claims.finish(conn, self._claims, key)
        return Outcome.HANDLED

    def _dropped(self, outcome: Outcome) -> Outcome:
        # The outcome only: the event's content and sender stay out of the log.
        log.info("%s: ignored a replayed event (%s)", self._channel, outcome.value)
        return outcome

    def _count_uncertain(self, count: int) -> None:
        INBOUND_UNCERTAIN.labels(channel=self._channel).inc(count)
        log.warning("%s: %d inbound event(s) were being handled when a process stopped; they "
                    "are not handled again (uncertain)", self._channel, count)

    def _prune_due(self, now: datetime) -> bool:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return False
        self._pruned_at = now
        return True
