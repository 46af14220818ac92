"""Paid broadcasts in batches: an alert's Telegram copies at up to 1,000 a second.

Row by row (``broadcasts.delivery_rows``) each copy cost four transactions and some 80 trips into
the database's thread - 8 ms of CPU, 100 copies a second at most. Here a runner takes up to
``batch`` rows at a time and

1. claims them in one transaction: the rows still pending on Telegram become ``sending`` and
   are committed *before any of their requests* (SPEC §12: a crash from here on leaves them
   ``sending``, which the next start reports uncertain, never sends again; rows on another
   channel - SMS subscribers - are handed to the row-by-row path, which sends them unpaid, and
   so are copies to a group that spent its minute's 20, which it sends paid when the group's
   pacer lets it, rather than hold the batch's answers until then);
2. sends their requests concurrently, each within the paid pacer (1,000 a second overall, 20 a
   minute in one group);
3. writes the answers that delivered (``sent``) or may have (``uncertain``) in one transaction.

Any other answer (429, a migrated group, a refused balance, an error) is rare and goes through
the row-by-row path's own recording and retries (``DeliveryEngine.record``), so there is one
set of failure rules. A 429 also holds the lane's pacer for its ``retry_after``
(``SendPacer.hold_off``): the other runners wait it out rather than send into the flood wait.
Several runners overlap, so one batch's claim and record are written while another batch's
requests are on the wire.

A ``PaidSendRefused`` (the Star balance ran out) turns the rest of that dispatch unpaid: its
rows still waiting here go to the row-by-row path at the normal pace.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Callable
from typing import Protocol

from core.address import TELEGRAM, Address
from core.clock import Clock
from core.outbound import (
    PAID_BROADCAST,
    Channel,
    MaybeDelivered,
    OutboundMessage,
    PaidSendRefused,
    RetryLater,
    SendFailure,
    TransientFailure,
)
from storage import deliveries as store
from storage import delivery_batches as batches
from storage.bulletins import BulletinRecord
from storage.db import Database

from .pacing import SendPacer

log = logging.getLogger(__name__)

BATCH = 100  # rows claimed and recorded together
RUNNERS = 4  # batches under way at once (claim, requests, record overlap)


class Engine(Protocol):
    """What the lane needs of the delivery engine it serves."""

    def pays_for(self, dispatch_id: int) -> bool: ...
    def send_one_by_one(self, dispatch_id: int, delivery_id: int, delay: float = 0.0) -> None: ...
    async def settled(self, dispatch_id: int) -> None: ...
    async def bulletin(self, bulletin_id: int) -> BulletinRecord: ...
    async def record(self, delivery_id: int, address: Address, outcome: int | SendFailure
                     ) -> float | None: ...
    def refused(self, dispatch_id: int, reason: str) -> None: ...


# A bulletin's copy for an address (alerts are never silent), paid or not as drawn.
Render = Callable[[BulletinRecord, Address], OutboundMessage]


class PaidLane:
    def __init__(self, db: Database, channel: Channel, clock: Clock, engine: Engine,
                 render: Render, pacer: SendPacer, *, batch: int = BATCH,
                 runners: int = RUNNERS) -> None:
        self._db = db
        self._channel = channel
        self._clock = clock
        self._engine = engine
        self._render = render
        self._pacer = pacer
        self._batch = batch
        self._runner_count = runners
        self._rows: deque[tuple[int, int]] = deque()  # (dispatch id, delivery id)
        self._ready = asyncio.Event()
        self._runners: list[asyncio.Task[None]] = []
        self._busy: set[asyncio.Task[None]] = set()
        self._closing = False
        self._messages: dict[int, OutboundMessage] = {}  # bulletin id: its paid copy

    def add(self, dispatch_id: int, delivery_ids: list[int]) -> None:
        self._rows.extend((dispatch_id, d) for d in delivery_ids)
        self._ready.set()

    def start(self) -> None:
        self._closing = False
        self._runners = [asyncio.create_task(self._run(), name=f"paid-lane-{n}")
                         for n in range(self._runner_count)]

    async def stop(self, grace: float) -> None:
        """Finish the batches in hand (their requests left: their answers are written)."""
        self._closing = True
        for task in self._runners:
            if task not in self._busy:
                task.cancel()
        busy = [task for task in self._runners if task in self._busy]
        if busy:
            await asyncio.wait(busy, timeout=grace)
        await self.abort()

    async def abort(self) -> None:
        for task in self._runners:
            task.cancel()
        await asyncio.gather(*self._runners, return_exceptions=True)
        self._runners = []

    # ---- the work ---------------------------------------------------------------------
    async def _run(self) -> None:
        me = asyncio.current_task()
        assert me is not None
        while not self._closing:
            if not self._rows:
                self._ready.clear()
                await self._ready.wait()
                continue
            # A 429's hold (``SendPacer.hold_off``) is waited out before rows are claimed:
            # claimed rows are ``sending``, and a crash during the hold would make copies that
            # never left uncertain (SPEC §12).
            await self._pacer.wait_out_hold()
            taken = self._take()
            if not taken:
                continue
            self._busy.add(me)
            try:
                await self._batch_of(taken)
            except Exception:
                # A bug: the batch's claimed rows stay ``sending`` (uncertain at the next start,
                # never sent twice); the runner goes on with the next batch.
                log.exception("a paid batch stopped by an unexpected error")
            finally:
                self._busy.discard(me)

    def _take(self) -> list[tuple[int, int]]:
        """Up to a batch of rows whose dispatch still pays; the others go one by one."""
        taken: list[tuple[int, int]] = []
        while self._rows and len(taken) < self._batch:
            dispatch_id, delivery_id = self._rows.popleft()
            if self._engine.pays_for(dispatch_id):
                taken.append((dispatch_id, delivery_id))
            else:
                self._engine.send_one_by_one(dispatch_id, delivery_id)
        return taken

    async def _batch_of(self, taken: list[tuple[int, int]]) -> None:
        dispatch_of = dict((d, dispatch) for dispatch, d in taken)
        now = self._clock.now()
        try:
            # A copy to a group that spent its minute's sends would hold the whole batch's
            # answers until its token comes back (up to a minute): it goes one by one (still
            # paid, in one of the engine's workers) and the batch goes on without it.
            jobs, others = await self._db.run_transaction(
                lambda conn: batches.claim_batch(conn, list(dispatch_of), channel=TELEGRAM,
                                               now=now, held=self._pacer.would_wait))
        except Exception:
            # Nothing was claimed (the transaction rolled back): the rows go one by one, where
            # an error closes each row alone.
            log.exception("a paid batch could not be claimed; its rows go one by one")
            for delivery_id, dispatch_id in dispatch_of.items():
                self._engine.send_one_by_one(dispatch_id, delivery_id)
            return
        for delivery_id in others:
            self._engine.send_one_by_one(dispatch_of.pop(delivery_id), delivery_id)
        claimed = {job.id for job in jobs}
        for delivery_id in [d for d in dispatch_of if d not in claimed]:
            await self._engine.settled(dispatch_of.pop(delivery_id))  # no longer pending
        if not jobs:
            return
        outcomes = await asyncio.gather(*(self._send(job) for job in jobs))
        await self._write(jobs, outcomes)

    async def _send(self, job: store.DeliveryJob) -> int | SendFailure:
        try:
            message = await self._message_for(job)
        except Exception as error:
            # Before any request (the bulletin could not be read or drawn): nothing left, so
            # the row is retried by the row-by-row rules - and the batch's other copies, which
            # run beside it, still get their answers written.
            log.exception("paid copy %s could not be drawn", job.id)
            return TransientFailure(type(error).__name__)
        async with self._pacer.turn(job.address, claimed_before=True):
            held = self._pacer.held_for()
            if held > 0:
                # A 429 came after this batch was claimed: the copy does not go into Telegram's
                # flood wait, nor wait it out ``sending``; nothing left, so the row goes back to
                # pending and is sent after the hold (the row-by-row rules).
                return RetryLater("held off after a 429", held)
            try:
                return await self._channel.send(job.address, message)
            except RetryLater as failure:
                # Telegram's flood wait holds the whole lane, not this copy alone: every
                # runner's next turn waits it out (the copy itself is retried after it, once).
                self._pacer.hold_off(failure.seconds)
                return failure
            except SendFailure as failure:
                return failure
            except Exception as error:  # a bug or an unexpected answer: the copy may be out
                log.exception("paid copy %s stopped by an unexpected error", job.id)
                return MaybeDelivered(f"{type(error).__name__}")

    async def _message_for(self, job: store.DeliveryJob) -> OutboundMessage:
        message = self._messages.get(job.bulletin_id)
        if message is None:
            bulletin = await self._engine.bulletin(job.bulletin_id)
            drawn = self._render(bulletin, job.address)
            message = dataclasses.replace(drawn, extra={**drawn.extra, PAID_BROADCAST: True})
            if len(self._messages) > 16:
                self._messages.clear()  # alerts are few; kept only while they are sent
            self._messages[job.bulletin_id] = message
        return message

    async def _write(self, jobs: list[store.DeliveryJob],
                     outcomes: list[int | SendFailure]) -> None:
        now = self._clock.now()
        sent = [(job.id, outcome) for job, outcome in zip(jobs, outcomes, strict=True)
                if isinstance(outcome, int)]
        lost = [(job.id, outcome.reason) for job, outcome in zip(jobs, outcomes, strict=True)
                if isinstance(outcome, MaybeDelivered)]

        try:
            await self._db.run_transaction(
                lambda conn: batches.record_batch_answers(conn, sent, lost, now))
        except Exception:
            # The rows stay ``sending``: the next start reports them uncertain (their requests
            # left), never sends them again.
            log.exception("answers of a paid batch not written; %s rows stay in doubt",
                          len(sent) + len(lost))
        for job, outcome in zip(jobs, outcomes, strict=True):
            if isinstance(outcome, (int, MaybeDelivered)):
                await self._engine.settled(job.dispatch_id)
            else:
                await self._retry_or_close(job, outcome)

    async def _retry_or_close(self, job: store.DeliveryJob, failure: SendFailure) -> None:
        """An error answer: recorded and retried by the row-by-row path's rules."""
        if isinstance(failure, PaidSendRefused):
            self._engine.refused(job.dispatch_id, failure.reason)
        try:
            retry_in = await self._engine.record(job.id, job.address, failure)
        except Exception:
            log.exception("delivery %s: its answer could not be written", job.id)
            retry_in = None
        if retry_in is None:
            await self._engine.settled(job.dispatch_id)
        else:
            self._engine.send_one_by_one(job.dispatch_id, job.id, retry_in)
