"""The leader feeds the webhook inbox to the bot, each update once, in order per chat (SPEC §14).

Rows are read in ``update_id`` order and each is handed to the Application's update processor
(``bot.update_order``: one chat's updates one after another, in the order given; other chats
alongside). When its chat's turn comes, the row is marked ``taken`` in a committed transaction,
the update is handled (``Application.process_update``: every handler, errors to the error
handler), then the row is marked ``done`` and its sealed payload dropped.

Why ``taken`` before handling: an update's handlers commit several things (a tip, a draft, an
outcome, a bulletin) and send messages; none of that can share a transaction with the inbox
row. If the process dies between "handled" and "done", handling the row again could file a tip
twice (``/tip text`` files at once), record an outcome twice or create a bulletin twice. So a
row found ``taken`` by the next leader is set ``uncertain`` and not handled again, exactly as a
delivery left ``sending`` (SPEC §12): at most the one update per chat that was being handled
at the instant of the crash is in doubt, it is counted and logged (never its content), and
nothing is done twice. Every update that was only committed (answered 200) is handled.

The take is fenced like a delivery claim (``storage.leader_lock.leader_fence``): a leader that
lost its lock takes nothing more.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import Application

from core.clock import Clock
from ops.metrics import INBOX_UNCERTAIN
from ops.update_sealing import UpdateSealer
from storage import inbox
from storage.db import Database

# Rows other processes stored are found by looking again this often (this process's own
# arrivals wake the feed at once).
LOOK_AGAIN_S = 1.0
BATCH = 100
MAX_IN_FLIGHT = 1000
# Telegram keeps an unconfirmed update for 24 hours: a handled update's id is kept longer, so
# that a late re-POST of it is recognised rather than handled again.
KEEP_FINISHED = timedelta(hours=25)
PRUNE_EVERY = timedelta(hours=1)

log = logging.getLogger(__name__)


class InboxFeed:
    def __init__(self, application: Application,  # type: ignore[type-arg]
                 db: Database, sealer: UpdateSealer, arrived: asyncio.Event,
                 clock: Clock) -> None:
        self._application = application
        self._db = db
        self._sealer = sealer
        self._arrived = arrived
        self._clock = clock
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._pruned_at = clock.now() - PRUNE_EVERY

    async def start(self) -> None:
        async with self._db.transaction() as conn:
            uncertain = await inbox.give_up_taken(conn)
        if uncertain:
            INBOX_UNCERTAIN.inc(uncertain)
            log.warning("webhook inbox: %d update(s) were being handled when a process stopped;"
                        " they are not handled again (uncertain)", uncertain)
        self._loop_task = asyncio.create_task(self._feed(), name="webhook-inbox-feed")

    async def stop(self) -> None:
        """No new row is taken; the updates being handled are finished (and marked done)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None
        if self._in_flight:
            await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def _feed(self) -> None:
        while True:
            # Cleared before reading: an update stored while we read wakes the next round.
            self._arrived.clear()
            try:
                fed = await self._feed_waiting()
                await self._prune_now_and_then()
            except Exception as err:  # the database is away: try again, never stop the leader
                log.warning("webhook inbox: cannot read (%s); trying again", type(err).__name__)
                fed = 0
            if fed == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), LOOK_AGAIN_S)

    async def _feed_waiting(self) -> int:
        if len(self._in_flight) >= MAX_IN_FLIGHT:
            return 0
        async with self._db.reading() as conn:
            rows = await inbox.received_updates(conn, BATCH + len(self._in_flight))
        fed = 0
        for row in rows:
            if row.update_id in self._in_flight:
                continue
            update = await self._opened(row)
            if update is None:
                continue
            task = asyncio.create_task(self._through_processor(row.update_id, update))
            self._in_flight[row.update_id] = task
            fed += 1
        return fed

    async def _opened(self, row: inbox.InboxRow) -> Update | None:
        raw = self._sealer.open(row.update_id, row.sealed)
        if raw is None:
            log.error("webhook inbox: update %d was sealed with another secret key; set aside"
                      " (every process must have the same key)", row.update_id)
        else:
            try:
                return Update.de_json(json.loads(raw), self._application.bot)
            except Exception as err:  # one malformed update must not stop the ones after it
                log.error("webhook inbox: update %d is not an update PTB can read (%s); set"
                          " aside", row.update_id, type(err).__name__)
        async with self._db.transaction() as conn:
            await inbox.set_aside_unreadable(conn, row.update_id)
        return None

    async def _through_processor(self, update_id: int, update: Update) -> None:
        try:
            # The processor runs one chat's updates in the order they are given here.
            await self._application.update_processor.process_update(
                update, self._take_and_handle(update_id, update))
        except Exception as err:
            log.error("webhook inbox: update %d could not be taken (%s); tried again later",
                      update_id, type(err).__name__)
        finally:
            del self._in_flight[update_id]

    async def _take_and_handle(self, update_id: int, update: Update) -> None:
        async with self._db.transaction() as conn:
            taken = await inbox.take_update(conn, update_id, self._clock.now())
        if not taken:
            return  # handled already, or this process is no longer the leader
        await self._application.process_update(update)
        async with self._db.transaction() as conn:
            await inbox.finish_update(conn, update_id)

    async def _prune_now_and_then(self) -> None:
        now = self._clock.now()
        if now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        async with self._db.transaction() as conn:
            await inbox.prune_finished(conn, now - KEEP_FINISHED)
