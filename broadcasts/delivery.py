"""The delivery engine: sends planned (bulletin, group) rows through a channel, within
Telegram's limits, and survives crashes without ever sending a copy twice (SPEC §5, §12).

Telegram has no idempotency key, so exactly-once is impossible when the process dies between
the request and the write that records it. The rule here is *never a duplicate, no silent loss*:

* a row is marked ``sending`` in its own commit just before its request;
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
been told the cost) through a pacer of their own; bulletins never do. When the bot's balance
cannot pay (``PaidSendRefused``), the rest of that dispatch goes unpaid at the normal pace.

Errors that prove nothing was delivered are retried: 429 after ``retry_after``; 5xx and network
errors with bounded exponential backoff, then ``failed``; a migrated group is followed to its new
id; a group that removed or blocked the bot is marked inactive and its row ``failed``.
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
    ChatUnavailable,
    MaybeDelivered,
    OutboundMessage,
    PaidSendRefused,
    RetryLater,
    SendFailure,
    TransientFailure,
    delivery_key,
)
from org import groups as group_service
from storage import deliveries as store
from storage import sms_subscribers as sms_store
from storage.bulletins import BulletinRecord, find_bulletin
from storage.db import Database

from .pacing import GROUP_PER_MINUTE, SendPacer

log = logging.getLogger(__name__)

URGENT, ROUTINE = 0, 1
# A bulletin's copy (silent or not), drawn for the capabilities of the channel it goes to.
Render = Callable[[BulletinRecord, bool, Capabilities], OutboundMessage]
DispatchDone = Callable[[int], Awaitable[None]]
PAID_PER_SECOND = 1000  # Telegram's allow_paid_broadcast ceiling


@dataclass
class _Progress:
    in_doubt: bool = False  # a request for this row may have reached Telegram


@dataclass(frozen=True)
class RetryPolicy:
    # Tries for refused connections and 5xx before the row fails: with the backoff below this
    # rides out about ten minutes of Telegram trouble, since a failed row is never re-sent.
    network_attempts: int = 14
    backoff_first: float = 0.5
    backoff_cap: float = 60.0
    rate_limit_waits: int = 10  # 429s tolerated for one row before it fails
    migrations: int = 2

    def backoff(self, tries: int) -> float:
        return min(self.backoff_cap, self.backoff_first * 2 ** (tries - 1))


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
        # One pacer per channel, within its declared rate; ``pacer`` (tests, the benchmark)
        # paces every channel alone.
        self._pacer = pacer
        self._pacers: dict[str, SendPacer] = {}
        self._paid_alerts = paid_alerts
        self._paid_pacer = SendPacer(PAID_PER_SECOND, GROUP_PER_MINUTE)
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

    def use_pacer(self, channel: str, pacer: SendPacer) -> None:
        """Pace one channel's sends with ``pacer`` (one sharing the bot's budget with its other
        senders, ``channels.telegram_flood``) instead of one of the engine's own."""
        self._pacers[channel] = pacer

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
        if busy:
            await asyncio.wait(busy, timeout=grace)
        await self.abort()

    async def abort(self) -> None:
        """Stop at once, writing nothing more: what a crash does (used after ``stop``'s grace,
        and by the crash tests)."""
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    def enqueue(self, dispatch_id: int, delivery_ids: Iterable[int], *,
                urgent: bool = False) -> None:
        """Rows to send; ``urgent`` (alerts) go before every row not yet started."""
        priority = URGENT if urgent else ROUTINE
        for delivery_id in delivery_ids:
            self._outstanding[dispatch_id] += 1
            self.idle.clear()
            self._queue.put_nowait((priority, next(self._order), dispatch_id, delivery_id))

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
            outcome = await self._attempt(delivery_id, address, message, silent, progress,
                                          paid=paid)
            if outcome is None:
                return  # not ours to send (no longer pending)
            if isinstance(outcome, PaidSendRefused):
                log.warning("paid broadcast refused (%s): dispatch %s goes on unpaid",
                            outcome.reason, job.dispatch_id)
                self._unpaid_dispatches.add(job.dispatch_id)
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

    def _pacer_for(self, address: Address, *, paid: bool = False) -> SendPacer:
        if paid:
            return self._paid_pacer
        if self._pacer is not None:
            return self._pacer
        pacer = self._pacers.get(address.channel)
        if pacer is None:
            rate = self._channel.capabilities_for(address).rate
            pacer = self._pacers[address.channel] = SendPacer.for_rate(rate)
        return pacer

    async def _attempt(self, delivery_id: int, address: Address, message: OutboundMessage,
                       silent: bool, progress: _Progress, *,
                       paid: bool = False) -> int | SendFailure | None:
        async with self._pacer_for(address, paid=paid).turn(address):
            async with self._db.transaction() as conn:
                if not await store.claim_for_sending(conn, delivery_id, silent=silent,
                                                     now=self._clock.now()):
                    return None
            progress.in_doubt = True
            try:
                outcome: int | SendFailure = await self._channel.send(address, message)
            except SendFailure as failure:
                outcome = failure
            # An error answer proves nothing arrived; a message id or no answer may mean it did.
            progress.in_doubt = isinstance(outcome, (int, MaybeDelivered))
            return outcome

    async def _record(self, delivery_id: int, address: Address, outcome: int | SendFailure,
                      tries: Counter[str]) -> float | None:
        """Write what the answer proved. Returns seconds to wait before retrying, or None."""
        now = self._clock.now()
        policy = self._policy
        retry_in: float | None = None
        if isinstance(outcome, int):
            async with self._db.transaction() as conn:
                await store.mark_sent(conn, delivery_id, outcome, now)
            return None
        if isinstance(outcome, MaybeDelivered):
            async with self._db.transaction() as conn:
                await store.mark_uncertain(conn, delivery_id, outcome.reason, now)
            return None
        if isinstance(outcome, PaidSendRefused):
            retry_in = 0.0  # nothing went out: again at once, unpaid
        elif isinstance(outcome, RetryLater):
            tries["rate"] += 1
            retry_in = outcome.seconds if tries["rate"] <= policy.rate_limit_waits else None
        elif isinstance(outcome, ChatMoved):
            tries["moved"] += 1
            if tries["moved"] <= policy.migrations:
                await group_service.group_migrated(self._db, address, outcome.new_address, now)
                retry_in = 0.0
        elif isinstance(outcome, ChatUnavailable):
            await group_service.bot_left_group(self._db, address, now)
            if address.channel == sms_store.SMS_CHANNEL:  # an officer sees it in /sms list
                async with self._db.transaction() as conn:
                    await sms_store.recipient_unreachable(conn, address, now)
        elif isinstance(outcome, TransientFailure):
            tries["network"] += 1
            if tries["network"] < policy.network_attempts:
                retry_in = policy.backoff(tries["network"])
        async with self._db.transaction() as conn:
            if retry_in is None:
                await store.mark_failed(conn, delivery_id, outcome.reason, now)
            else:
                await store.back_to_pending(conn, delivery_id, outcome.reason, now)
        if retry_in is None:
            log.info("delivery %s failed: %s", delivery_id, outcome.reason)
        return retry_in
