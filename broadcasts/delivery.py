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

This module is the engine's wiring: its queue, workers, life cycle and dispatches' counts. What
a worker does with one row - drawn, prepared, claimed, sent, answered, retried - is
``broadcasts.delivery_rows``.

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
import itertools
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable

from core.address import Address
from core.clock import Clock
from core.outbound import Channel, OutboundMessage, SendFailure
from storage import delivery_recovery as recovery
from storage.bulletins import BulletinRecord, find_bulletin
from storage.db import Database

from .delivery_outcomes import RetryPolicy
from .delivery_rows import Render, RowSender
from .pacing import ChannelPacers, SendPacer
from .paid_lane import PaidLane

log = logging.getLogger(__name__)

URGENT, ROUTINE = 0, 1
DispatchDone = Callable[[int], Awaitable[None]]

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
        self._rows = RowSender(db, channel, clock, self, render=render, quiet_now=quiet_now,
                               pacers=self._pacers, policy=self._policy)

    def use_pacer(self, channel: str, pacer: SendPacer) -> None:
        """Pace one channel's sends with ``pacer`` (one sharing the bot's budget with its other
        senders, ``channels.telegram_flood``) instead of one of the engine's own."""
        self._pacers.use(channel, pacer)

    # ---- life cycle -------------------------------------------------------------------
    async def start(self) -> dict[int, int]:
        """Recover from the last run and start sending. Returns uncertain rows per dispatch."""
        self._closing = False
        async with self._db.transaction() as conn:
            uncertain = await recovery.sending_to_uncertain(conn, self._clock.now())
            pending = await recovery.pending_by_dispatch(conn)
            alerts = await recovery.alert_dispatches(conn, list(pending))
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

    # ---- what the paid lane and the rows ask of the engine (their ``Engine``) -----------
    @property
    def closing(self) -> bool:
        return self._closing

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
        return await self._rows.record(delivery_id, address, outcome, Counter())

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
            await self._rows.deliver_or_give_up(delivery_id)
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
