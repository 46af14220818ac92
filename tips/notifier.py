"""The outbox worker: sends queued notices to staff and (through relay links) to tipsters.

One private chat takes about one message a second (SPEC §12), so notices to one officer are
spaced, never dropped; a 429 holds that row for ``retry_after``; network errors back off and give
up after a bounded number of attempts. A relay link is opened only here, just before sending,
and the address it reveals is neither stored nor logged; and only while the tip's follow-up
window is open (a question queued before ``closed_at + tips.followup_days`` and due after it
does not go). A text longer than the channel takes goes in the parts the channel cuts it into
(``Channel.parts_for``), one per turn of its chat. What became of a notice to a tipster is recorded
(``tips.relay_delivery``): the officer who asked hears at once when it could not be delivered.

A row holds what happened (``tips.notices``): a new tip, a catalogue message, a failed question.
It is drawn here, at send time, for the capabilities of the recipient's channel
(``Channel.capabilities_for``) into the messages it takes: a new tip becomes its notice, its
text pieces and its media, one message per turn of the chat, ``parts_sent`` saying how far it
got (a restart goes on from the next message), and the notice's message id kept in the row so
the parts answer it where the channel has replies. Rows queued before this (drawn text, buttons
and media, a tip's parts as rows of their own marked ``"thread"``) are still sent as they are.
Drawing is ``tips.notice_drawing``'s job; a tipster's file kept by the bot (sent on Zalo) goes
up as bytes the first time and by the platform's file id after (``tips.stored_media_sends``).
Sending one row and recording what became of it is ``tips.notice_sender``'s job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from core.clock import Clock
from core.i18n import DEFAULT_LANGUAGE, Translator
from core.outbound import Channel, OutboundMessage
from storage import outbox
from storage import tips as tip_store
from storage.db import Database
from storage.tip_records import Delivery
from tips.anonymity import Anonymizer
from tips.notice_drawing import NoticeDrawer
from tips.notice_sender import NoticeSender
from tips.notices import NoticeWords

log = logging.getLogger(__name__)

PER_CHAT_INTERVAL = 1.0
IDLE_WAKE_SECONDS = 30.0
# A notice whose chat's turn comes at most this much before the planned pass waits for that pass.
WAKE_SLACK_SECONDS = 0.05


class Notifier:
    def __init__(self, db: Database, channel: Channel, anonymizer: Anonymizer,
                 clock: Clock, tr: Translator | None = None, *,
                 words: NoticeWords | None = None) -> None:
        """``words`` draws a new tip's notice (the wiring builds it from the tips context);
        without it such rows cannot be drawn and fail, saying so."""
        self._db = db
        self._channel = channel
        self._anonymizer = anonymizer
        self._clock = clock
        self._tr = tr or Translator(DEFAULT_LANGUAGE)  # the staff's language, for failures
        self._drawer = NoticeDrawer(db, channel, self._tr, words)
        self._wake = asyncio.Event()
        self._sender = NoticeSender(db, channel, self._drawer, clock, self._tr, self._wake.set)
        self._task: asyncio.Task[None] | None = None
        self._last_sent: dict[Address, float] = {}
        self._planned_pass: float | None = None  # loop time of the next pass, while waiting
        self._closing = False
        # Rows a pass marked sending and never tried, whose un-marking failed (deliver_due).
        self._left_marked: set[int] = set()

    def wake(self, chats: Collection[Address] | None = None) -> None:
        """Notices were queued (to ``chats``, when the caller knows them): look now, unless
        each of those chats must wait past the pass already planned anyway. A burst of tips to
        the same officers would otherwise re-read the whole queue once per tip, to send
        nothing (an officer's chat takes one message a second)."""
        planned = self._planned_pass
        if chats is not None and planned is not None and all(
                self._ready_at(chat) + WAKE_SLACK_SECONDS >= planned for chat in chats):
            return
        self._wake.set()

    def _ready_at(self, address: Address) -> float:
        return self._last_sent.get(address, -math.inf) + PER_CHAT_INTERVAL

    async def start(self) -> None:
        async with self._db.transaction() as conn:
            requeued = await outbox.requeue_interrupted(conn)
        if requeued:
            log.info("%d notice(s) interrupted by a restart will be sent again", requeued)
        self._closing = False
        self._task = asyncio.create_task(self._run(), name="outbox-notifier")

    async def stop(self, grace: float = 10.0) -> None:
        """Let a notice in flight finish and be marked sent, then stop. Cancelling it midway
        would leave its row "sending", and the next start would send it a second time."""
        if self._task is None:
            return
        self._closing = True
        self._wake.set()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
        if not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._closing:
            # Cleared before the pass, not after: a wake-up during the pass must not be lost.
            self._wake.clear()
            self._planned_pass = None
            try:
                wait = await self.deliver_due()
            except Exception:
                log.exception("outbox pass failed; retrying")
                wait = 5.0
            self._planned_pass = asyncio.get_running_loop().time() + wait
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def deliver_due(self) -> float:
        """Send what may go now; return how long until something else may."""
        loop = asyncio.get_running_loop()
        self._drawer.forget()
        now_at = self._clock.now()
        began = loop.time()

        async def due(conn: AsyncConnection) -> tuple[list[outbox.OutboxRow], set[int]]:
            """The due rows, and those of them marked sending at once: each staff notice whose
            chat may take it now, with what it shows (``NoticeSender.mark``). One transaction
            for the pass, where each notice took one of its own for its mark."""
            if self._left_marked:
                # Marked by an earlier pass and never tried, whose un-marking failed (the
                # database was failing): pending again first, so they are sent, in order.
                await outbox.unmark_sending(conn, sorted(self._left_marked))
            rows = await outbox.due_rows(conn, now_at)
            marked: set[int] = set()
            for row in rows:
                ready = row.address is not None and max(
                    self._sender.held_until(row.id), self._ready_at(row.address)) <= began
                if ready and await self._sender.mark(conn, row):
                    marked.add(row.id)
            return rows, marked

        # In one go (inline on a SQLite file: no trips to aiosqlite's thread, SPEC §12 unchanged:
        # each mark is committed before its request).
        rows, marked = await self._db.run_transaction(due)
        self._left_marked.clear()  # un-marked in that committed transaction
        try:
            return await self._deliver(rows, marked)
        finally:
            if marked:
                # Marked but not sent (the worker is stopping, or a pass failed): pending again,
                # so the next pass sends them, not the next start. If the database fails here
                # too, the next pass un-marks them before it reads the queue (never tried, so
                # never sent twice); only ``requeue_interrupted`` at start would see them else.
                self._left_marked |= marked
                await self._db.run_transaction(
                    lambda conn: outbox.unmark_sending(conn, sorted(marked)))
                self._left_marked -= marked

    async def _deliver(self, rows: list[outbox.OutboxRow], marked: set[int]) -> float:
        """Send ``rows`` (``marked``: those already marked sending, taken out as each is
        tried)."""
        loop = asyncio.get_running_loop()
        next_wait = IDLE_WAKE_SECONDS
        next_turn = math.inf
        # A chat freed without sending (its notice failed) may have its next notice due now.
        freed_any = len(rows) >= outbox.DUE_ROWS_LIMIT
        for row in rows:
            if self._closing:
                break
            now = loop.time()
            if row.to_tipster and await self._follow_up_over(row):
                await self._sender.fail(row, "follow-up ended", Delivery.LINK_EXPIRED)
                freed_any = True
                continue
            address = row.address if row.address is not None else (
                self._anonymizer.open_address(row.relay_link) if row.relay_link else None)
            if address is None:
                await self._sender.fail(row, "relay link unavailable")
                freed_any = True
                continue
            ready_at = max(self._sender.held_until(row.id), self._ready_at(address))
            if ready_at > now:
                # Not this chat's turn yet: wake when it is, not before (no busy looping).
                next_wait = min(next_wait, ready_at - now)
                continue
            # Taken out before the request: a row whose send was tried is never put back (a
            # chat whose turn came during the pass is marked by a transaction of its own).
            was_marked = row.id in marked
            marked.discard(row.id)
            await self._sender.send(row, address, marked=was_marked)
            self._last_sent[address] = loop.time()
            # That chat's next notice goes at its next turn, not before.
            next_turn = min(next_turn, self._ready_at(address))
        # Each pass takes one notice per chat, and has seen every chat with a due notice: the
        # next pass is when the first of them may take another (a notice queued meanwhile
        # wakes the worker, ``wake``; so do a hold and a failure told to an officer). Looking
        # again at once would only re-read the queue to send nothing.
        next_wait = min(next_wait, next_turn - loop.time())
        return 0.0 if freed_any else max(next_wait, 0.01)

    async def _follow_up_over(self, row: outbox.OutboxRow) -> bool:
        """Checked just before a relay link would be opened, whether or not the purge ran."""
        tip_id = row.tip_id
        if tip_id is None:
            return False
        now = self._clock.now()
        return await self._db.run_transaction(
            lambda conn: tip_store.live_relay_link_of(conn, tip_id, now)) is None

    async def drawn(self, row: outbox.OutboxRow,
                    address: Address | None = None) -> list[OutboundMessage]:
        """What ``row`` says, as it will be sent to ``address`` (by default the staff member it
        is for): for a test watching what the bot says, or a view of the queue."""
        to = address if address is not None else row.address
        if to is None:
            raise ValueError("a notice to a tipster is drawn for the address its link opens")
        return await self._drawer.drawn(row, to, self._channel.capabilities_for(to))
