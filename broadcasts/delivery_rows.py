"""Row-by-row sending: one delivery row, from its drawn copy to its answer written, with its
retries - the delivery engine's workers (``broadcasts.delivery``) run it for every row that is
not in a paid batch (``broadcasts.paid_lane``), and for the rows a batch hands back.

For one row:

1. its copy is drawn (silent in quiet hours, paid when its alert pays) and its channel's step
   that sends nothing (a Zalo OA upload: ``broadcasts.delivery_preparing``) is done while the
   row is still ``pending``;
2. the row is marked ``sending`` in a commit of its own, within its pacer's turn, before the
   request (SPEC §12);
3. the answer is written (``broadcasts.delivery_outcomes``), and the row is tried again after
   the wait it says, or closed.

An unexpected error inside a row (a database error, a clash while following a migrated group)
closes that row alone: ``failed`` when no request can have left, ``uncertain`` when one may have.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from core.address import TELEGRAM, Address
from core.capabilities import Capabilities
from core.clock import Clock
from core.outbound import (
    IDEMPOTENCY_KEY,
    PAID_BROADCAST,
    Channel,
    ChatMoved,
    MaybeDelivered,
    OutboundMessage,
    PaidSendRefused,
    RetryLater,
    SendFailure,
    delivery_key,
)
from storage import deliveries as store
from storage.bulletins import BulletinRecord
from storage.db import Database

from .delivery_outcomes import RetryPolicy, record_outcome
from .delivery_preparing import prepared_copy
from .pacing import ChannelPacers

log = logging.getLogger(__name__)

# A bulletin's copy (silent or not), drawn for the capabilities of the channel it goes to.
Render = Callable[[BulletinRecord, bool, Capabilities], OutboundMessage]


class Engine(Protocol):
    """What a row needs of the delivery engine it belongs to."""

    @property
    def closing(self) -> bool: ...
    def pays_for(self, dispatch_id: int) -> bool: ...
    async def bulletin(self, bulletin_id: int) -> BulletinRecord: ...
    def refused(self, dispatch_id: int, reason: str) -> None: ...


@dataclass
class _Progress:
    in_doubt: bool = False  # a request for this row may have reached Telegram


class RowSender:
    def __init__(self, db: Database, channel: Channel, clock: Clock, engine: Engine, *,
                 render: Render, quiet_now: Callable[[], bool], pacers: ChannelPacers,
                 policy: RetryPolicy) -> None:
        self._db = db
        self._channel = channel
        self._clock = clock
        self._engine = engine
        self._render = render
        self._quiet_now = quiet_now
        self._pacers = pacers
        self._policy = policy

    async def deliver_or_give_up(self, delivery_id: int) -> None:
        """One row, whatever happens to it: an unexpected error (a database error, a clash
        while following a migrated group, a bug) closes this row alone - ``failed`` when no
        request can have left, ``uncertain`` when one may have (SPEC §12) - so the other rows
        go on and the dispatch still gets its summary."""
        progress = _Progress()
        try:
            await self._deliver(delivery_id, progress)
        except Exception as error:
            log.exception("delivery %s stopped by an unexpected error", delivery_id)
            reason = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            try:
                async with self._db.transaction() as conn:
                    await store.give_up(conn, delivery_id, uncertain=progress.in_doubt,
                                        reason=reason[:200], now=self._clock.now())
            except Exception:
                # The database itself is failing: the row stays open and the next start-up
                # resumes it (pending) or reports it (sending -> uncertain).
                log.exception("delivery %s could not be closed", delivery_id)

    async def record(self, delivery_id: int, address: Address, outcome: int | SendFailure,
                     tries: Counter[str]) -> float | None:
        """Write what the answer proved. Returns seconds to wait before retrying, or None."""
        return await record_outcome(self._db, self._clock, self._policy, delivery_id, address,
                                    outcome, tries)

    async def _deliver(self, delivery_id: int, progress: _Progress) -> None:
        async with self._db.reading() as conn:
            job = await store.load_job(conn, delivery_id)
        if job is None or job.status != store.PENDING:
            return
        bulletin = await self._engine.bulletin(job.bulletin_id)
        address = job.address
        tries: Counter[str] = Counter()
        while True:
            if self._engine.closing:
                return  # still pending: resumed after the restart, never left half-sent
            silent = not bulletin.is_alert and self._quiet_now()
            message = self._render(bulletin, silent, self._channel.capabilities_for(address))
            # A channel with idempotent sends (SMS providers) takes the row's id as the request's:
            # a retry of the same row is never a second message.
            extra = {**message.extra, IDEMPOTENCY_KEY: delivery_key(delivery_id)}
            paid = self._pays_for(bulletin, job.dispatch_id, address)
            if paid:
                extra[PAID_BROADCAST] = True
            message = dataclasses.replace(message, extra=extra)
            # The channel's work that sends nothing (an upload) is done while the row is still
            # pending: a crash or failure in it never makes the row uncertain.
            prepared = await prepared_copy(self._channel, address, message)
            outcome: int | SendFailure | None
            if isinstance(prepared, SendFailure):
                outcome = prepared
            elif self._engine.closing:
                return  # still pending, as above
            else:
                outcome = await self._attempt(delivery_id, address, prepared, silent, progress,
                                              paid=paid)
            if outcome is None:
                return  # not ours to send (no longer pending)
            if isinstance(outcome, PaidSendRefused):
                self._engine.refused(job.dispatch_id, outcome.reason)
            retry_in = await self.record(delivery_id, address, outcome, tries)
            if retry_in is None:
                return
            if isinstance(outcome, ChatMoved):
                address = outcome.new_address
            if retry_in > 0:
                await asyncio.sleep(retry_in)

    def _pays_for(self, bulletin: BulletinRecord, dispatch_id: int, address: Address) -> bool:
        """Alerts only, Telegram only, while the balance pays."""
        return (bulletin.is_alert and address.channel == TELEGRAM
                and self._engine.pays_for(dispatch_id))

    async def _attempt(self, delivery_id: int, address: Address, message: OutboundMessage,
                       silent: bool, progress: _Progress, *,
                       paid: bool = False) -> int | SendFailure | None:
        async def claim() -> bool:
            now = self._clock.now()
            return await self._db.run_transaction(
                lambda conn: store.claim_for_sending(conn, delivery_id, silent=silent, now=now))

        # The row is ``sending`` in its own commit before the request; that commit is made
        # before the overall token is taken, so the token is held for the request alone.
        pacer = self._pacers.for_address(address, paid=paid)
        async with pacer.turn(address, claim) as go:
            if not go:
                return None
            progress.in_doubt = True
            try:
                outcome: int | SendFailure = await self._channel.send(address, message)
            except SendFailure as failure:
                outcome = failure
            if paid and isinstance(outcome, RetryLater):
                pacer.hold_off(outcome.seconds)  # as the paid lane does (broadcasts.paid_lane)
            # An error answer proves nothing arrived; a message id or no answer may mean it did.
            progress.in_doubt = isinstance(outcome, (int, MaybeDelivered))
            return outcome
