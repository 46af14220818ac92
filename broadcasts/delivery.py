"""The delivery engine: sends planned (bulletin, group) rows through a channel, within
Telegram's limits, and survives crashes without ever sending a copy twice (SPEC §5, §12).

Telegram has no idempotency key, so exactly-once is impossible when the process dies between
the request and the write that records it. The rule here is *never a duplicate, no silent loss*:

* a row is marked ``sending`` in a commit before its request (its own, or its paid batch's:
  ``broadcasts.paid_lane``); what its channel does first that sends nothing (Zalo OA's upload of
  a bulletin's file: ``broadcasts.delivery_preparing``) is done before, the row still pending;
* an answer, success or error, moves it to ``sent`` / ``failed`` / back to ``pending``;
* a row still ``sending`` at start-up became uncertain (``sending_to_uncertain``): it is never
  re-sent on its own; the officer who sent is told and may re-send exactly those groups;
* a request whose answer never came (a timeout: ``MaybeDelivered``) is treated the same way,
  for the same reason - the message may be in the group already. Slow answers are therefore
  waited for a long time (the delivery bot's read timeout) rather than abandoned.

* an unexpected error inside one row (a database error, a clash while following a migrated
  group) closes that row alone - ``failed`` with the reason, or ``uncertain`` if its request may
  have left - so the other rows go on and the dispatch still gets its summary.

Alert rows go before every row not yet started (a priority queue): an alert is never stuck
behind a large slot that the flood limits are pacing.

With ``paid_alerts`` (``bulletins.paid_broadcast``) an alert's Telegram copies go as paid
broadcasts (``allow_paid_broadcast``: up to 1,000 a second, 0.1 Star each, the officer having
been told the cost), in batches (``broadcasts.paid_lane``) through a pacer of their own;
bulletins never do. When the bot's balance cannot pay (``PaidSendRefused``), the rest of that
dispatch goes unpaid, row by row, at the normal pace.

What each answer proves and what is retried: ``broadcasts.delivery_outcomes``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

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
from storage.bulletins import BulletinRecord, find_bulletin
from storage.db import Database

from .delivery_outcomes import RetryPolicy, record_outcome
from .delivery_preparing import prepared_copy
from .pacing import ChannelPacers, SendPacer
from .paid_lane import PaidLane

log = logging.getLogger(__name__)

URGENT, ROUTINE = 0, 1
# A bulletin's copy (silent or not), drawn for the capabilities of the channel it goes to.
Render = Callable[[BulletinRecord, bool, Capabilities], OutboundMessage]
DispatchDone = Callable[[int], Awaitable[None]]


@dataclass
class _Progress:
    in_doubt: bool = False  # a request for this row may have reached Telegram


__all__ = ["DeliveryEngine", "RetryPolicy"]


class DeliveryEngine:
    def __init__(self, db: Database, channel: Channel, clock: Clock, *, render: Render,
                 quiet_now: Callable[[], bool], on_dispatch_done: DispatchDone,
                 workers: int = 12, pacer: SendPacer | None = None,
                 policy: RetryPolicy | None = None, paid_alerts: bool = False) -> None:
        self._db = db
        self._channel = channel
        self._clock = clock
        self._render = render
        self._quiet_now = quiet_now
        self._on_dispatch_done = on_dispatch_done
        self._worker_count = workers
        self._pacers = ChannelPacers(channel, pacer)
        self._paid_alerts = paid_alerts
        self._unpaid_dispatches: set[int] = set()  # their balance ran out: the rest goes free
        self._policy = policy or RetryPolicy()
        # (priority, order, dispatch id, delivery id): alert rows jump every waiting slot row,
        # so an alert is not stuck behind a large, paced slot; FIFO within a priority.
        self._queue: asyncio.PriorityQueue[tuple[int, int, int, int]] = asyncio.PriorityQueue()
        self._order = itertools.count()
        self._outstanding: Counter[int] = Counter()
        self._bulletins: dict[int, BulletinRecord] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._busy: set[asyncio.Task[None]] = set()
        self._closing = False  # stop(): workers finish the row in hand, then leave
        self.idle = asyncio.Event()
        self.idle.set()
        self._paid_lane = PaidLane(db, channel, clock, self, self._paid_copy,
                                   self._pacers.paid)

    def use_pacer(self, channel: str, pacer: SendPacer) -> None:
        """Pace one channel's sends with ``pacer`` (one sharing the bot's budget with its other
        senders, ``channels.telegram_flood``) instead of one of the engine's own."""
        self._pacers.use(channel, pacer)

    # ---- life cycle -------------------------------------------------------------------
    async def start(self) -> dict[int, int]:
        """Recover from the last run and start sending. Returns uncertain rows per dispatch."""
        self._closing = False
        async with self._db.transaction() as conn:
            uncertain = await store.sending_to_uncertain(conn, self._clock.now())
            pending = await store.pending_by_dispatch(conn)
            alerts = await store.alert_dispatches(conn, list(pending))
        for dispatch_id, ids in pending.items():
            self.enqueue(dispatch_id, ids, urgent=dispatch_id in alerts)
        self._workers = [asyncio.create_task(self._work(), name=f"delivery-{n}")
                         for n in range(self._worker_count)]
        self._paid_lane.start()
        if uncertain:
            log.warning("deliveries left in flight by the last run are uncertain: %s",
                        sum(uncertain.values()))
        return uncertain

    async def stop(self, grace: float = 10.0) -> None:
        """Let requests in flight finish (so their rows are not left uncertain), then stop."""
        self._closing = True
        idle = [task for task in self._workers if task not in self._busy]
        for task in idle:
            task.cancel()
        busy = [task for task in self._workers if task in self._busy]
        lane = asyncio.create_task(self._paid_lane.stop(grace))
        if busy:
            await asyncio.wait(busy, timeout=grace)
        await lane
        await self.abort()

    async def abort(self) -> None:
        """Stop at once, writing nothing more: what a crash does (used after ``stop``'s grace,
        and by the crash tests)."""
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        await self._paid_lane.abort()

    def enqueue(self, dispatch_id: int, delivery_ids: Iterable[int], *,
                urgent: bool = False) -> None:
        """Rows to send; ``urgent`` (alerts) go before every row not yet started, in paid
        batches when alerts are paid for."""
        ids = list(delivery_ids)
        if not ids:
            return
        self._outstanding[dispatch_id] += len(ids)
        self.idle.clear()
        if urgent and self._paid_alerts and self.pays_for(dispatch_id):
            self._paid_lane.add(dispatch_id, ids)
            return
        priority = URGENT if urgent else ROUTINE
        for delivery_id in ids:
            self._queue.put_nowait((priority, next(self._order), dispatch_id, delivery_id))

    # ---- what the paid lane asks of the engine (broadcasts.paid_lane.Engine) ------------
    def pays_for(self, dispatch_id: int) -> bool:
        return self._paid_alerts and dispatch_id not in self._unpaid_dispatches

    def send_one_by_one(self, dispatch_id: int, delivery_id: int, delay: float = 0.0) -> None:
        """A row already counted as outstanding, to the row-by-row path (after ``delay``)."""
        item = (URGENT, next(self._order), dispatch_id, delivery_id)
        if delay > 0:
            asyncio.get_running_loop().call_later(delay, self._queue.put_nowait, item)
        else:
            self._queue.put_nowait(item)

    async def settled(self, dispatch_id: int) -> None:
        await self._settled(dispatch_id)

    async def bulletin(self, bulletin_id: int) -> BulletinRecord:
        return await self._bulletin(bulletin_id)

    async def record(self, delivery_id: int, address: Address,
                     outcome: int | SendFailure) -> float | None:
        return await self._record(delivery_id, address, outcome, Counter())

    def refused(self, dispatch_id: int, reason: str) -> None:
        if dispatch_id not in self._unpaid_dispatches:
            log.warning("paid broadcast refused (%s): dispatch %s goes on unpaid",
                        reason, dispatch_id)
        self._unpaid_dispatches.add(dispatch_id)

    def _paid_copy(self, bulletin: BulletinRecord, address: Address) -> OutboundMessage:
        return self._render(bulletin, False, self._channel.capabilities_for(address))

    # ---- the work ---------------------------------------------------------------------
    async def _work(self) -> None:
        me = asyncio.current_task()
        assert me is not None
        while not self._closing:
            _, _, dispatch_id, delivery_id = await self._queue.get()
            self._busy.add(me)
            await self._deliver_or_give_up(delivery_id)
            # Still busy while settling: the summary is written in a transaction, and a worker
            # cancelled inside one would hold SQLite's write lock until its connection closes.
            try:
                await self._settled(dispatch_id)
            finally:
                self._busy.discard(me)

    async def _settled(self, dispatch_id: int) -> None:
        self._outstanding[dispatch_id] -= 1
        if self._outstanding[dispatch_id] <= 0:
            del self._outstanding[dispatch_id]
            self._unpaid_dispatches.discard(dispatch_id)
            try:
                await self._on_dispatch_done(dispatch_id)
            except Exception:
                log.exception("summary of dispatch %s not delivered", dispatch_id)
        if not self._outstanding:
            self.idle.set()

    async def _bulletin(self, bulletin_id: int) -> BulletinRecord:
        cached = self._bulletins.get(bulletin_id)
        if cached is None:
            async with self._db.reading() as conn:
                cached = await find_bulletin(conn, bulletin_id)
            assert cached is not None
            self._bulletins[bulletin_id] = cached
        return cached

    async def _deliver_or_give_up(self, delivery_id: int) -> None:
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

    async def _deliver(self, delivery_id: int, progress: _Progress) -> None:
        async with self._db.reading() as conn:
            job = await store.load_job(conn, delivery_id)
        if job is None or job.status != store.PENDING:
            return
        bulletin = await self._bulletin(job.bulletin_id)
        address = job.address
        tries: Counter[str] = Counter()
        while True:
            if self._closing:
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
            elif self._closing:
                return  # still pending, as above
            else:
                outcome = await self._attempt(delivery_id, address, prepared, silent, progress,
                                              paid=paid)
            if outcome is None:
                return  # not ours to send (no longer pending)
            if isinstance(outcome, PaidSendRefused):
                self.refused(job.dispatch_id, outcome.reason)
            retry_in = await self._record(delivery_id, address, outcome, tries)
            if retry_in is None:
                return
            if isinstance(outcome, ChatMoved):
                address = outcome.new_address
            if retry_in > 0:
                await asyncio.sleep(retry_in)

    def _pays_for(self, bulletin: BulletinRecord, dispatch_id: int, address: Address) -> bool:
        """Alerts only, Telegram only, while the balance pays."""
        return (self._paid_alerts and bulletin.is_alert and address.channel == TELEGRAM
                and dispatch_id not in self._unpaid_dispatches)

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

    async def _record(self, delivery_id: int, address: Address, outcome: int | SendFailure,
                      tries: Counter[str]) -> float | None:
        """Write what the answer proved. Returns seconds to wait before retrying, or None."""
        return await record_outcome(self._db, self._clock, self._policy, delivery_id, address,
                                    outcome, tries)
