"""One turn of the outbox worker for one row: its next message sent, and what became of it.

The row's sending mark is committed before the request, and what became of it after (SPEC §12):
each in one go (``Database.run_transaction``: inline on a SQLite file, where aiosqlite took
four or five trips to its thread), the failure paths as well as the sent mark. A 429 holds the
row for ``retry_after`` (in memory, on the loop's clock; the row goes back to pending, so a
restart tries it at once); a network error backs off (a message to a tipster is given up after
``MAX_ATTEMPTS``, one to staff is tried again until it goes); one
message of a new tip that cannot go does not hold back the tip's other messages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from core.capabilities import Capabilities
from core.clock import Clock
from core.i18n import Translator
from core.outbound import (
    IDEMPOTENCY_KEY,
    Channel,
    ChatMoved,
    OutboundMessage,
    Rejected,
    RetryLater,
    SendFailure,
    TransientFailure,
)
from storage import outbox
from storage.db import Database
from storage.tip_records import Delivery
from tips import relay_delivery
from tips.notice_drawing import NoticeDrawer
from tips.notices import new_tip_of
from tips.stored_media_sends import StoredMediaSends

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # network errors before a message to a tipster is given up
MAX_HOLD = 300.0  # seconds between a staff notice's tries while the network is down


class NoticeSender:
    def __init__(self, db: Database, channel: Channel, drawer: NoticeDrawer, clock: Clock,
                 tr: Translator, wake: Callable[[], None]) -> None:
        """``wake``: the worker looks at the queue again at once (a row held or failed may
        free its chat, or tell an officer)."""
        self._db = db
        self._channel = channel
        self._drawer = drawer
        self._clock = clock
        self._tr = tr  # the staff's language, for failures told to them
        self._wake = wake
        self._stored_media = StoredMediaSends(db)
        self._held_until: dict[int, float] = {}

    def held_until(self, row_id: int) -> float:
        """The loop time before which the row may not be tried again (0: it may now)."""
        return self._held_until.get(row_id, 0.0)

    @staticmethod
    def now_sending(row: outbox.OutboxRow, messages: list[OutboundMessage],
                    capabilities: Capabilities) -> OutboundMessage:
        index = min(row.parts_sent, len(messages) - 1)
        message = messages[index]
        notice_id = row.payload.get("message_id")
        if (new_tip_of(row.payload) is not None and index > 0 and capabilities.replies
                and isinstance(notice_id, int)):
            # A part of a new tip answers its notice (SPEC §12).
            message = dataclasses.replace(message, reply_to_message_id=notice_id)
        if not capabilities.replies and message.reply_to_message_id is not None:
            message = dataclasses.replace(message, reply_to_message_id=None)
        return dataclasses.replace(message, extra={
            **message.extra, IDEMPOTENCY_KEY: f"outbox-{row.id}-{index}"})

    @staticmethod
    def _keeps_message_id(row: outbox.OutboxRow) -> bool:
        """A new tip's notice (or, in the old format, a row that opens a tip's thread) keeps the
        id of its first message: the tip's parts answer it."""
        if row.address is None or row.parts_sent != 0:
            return False
        return new_tip_of(row.payload) is not None or row.payload.get("thread") == "start"

    async def mark(self, conn: AsyncConnection, row: outbox.OutboxRow) -> bool:
        """In the caller's transaction, committed before the request (SPEC §12): the row is
        being sent (False: it is not pending any more), and what its notice shows is read in
        the same go (``NoticeDrawer.read_for``). Awaits only ``conn``."""
        if not await outbox.mark_sending(conn, row.id):
            return False
        await self._drawer.read_for(conn, row)
        return True

    async def send(self, row: outbox.OutboxRow, address: Address, *,
                   marked: bool = False) -> None:
        """Send the row's next message, and record what became of it. ``marked``: the caller
        has committed :meth:`mark` already."""
        if not marked and not await self._db.run_transaction(lambda conn: self.mark(conn, row)):
            return
        messages: list[OutboundMessage] = []
        try:
            capabilities = self._channel.capabilities_for(address)
            messages = await self._drawer.drawn(row, address, capabilities)
            message = await self._stored_media.ready(
                self.now_sending(row, messages, capabilities), address)
            message_id = await self._channel.send(address, message)
        except RetryLater as err:
            await self.hold(row, err.seconds, err.reason, counts_as_attempt=False)
        except ChatMoved as err:
            # Staff chats are private and never migrate; treat like a temporary failure.
            await self.hold(row, 1.0, err.reason)
        except TransientFailure as err:
            if row.to_tipster and row.attempts + 1 >= MAX_ATTEMPTS:
                await self._fail_or_go_on(row, messages, err.reason)
            else:
                # A notice to staff is never given up on a network error: a tip's notice, a
                # delivery summary or an "uncertain" notice exists nowhere else once queued
                # (SPEC §11: nothing accepted is lost); it waits, at most MAX_HOLD apart.
                await self.hold(row, min(2.0 ** min(row.attempts + 1, 16), MAX_HOLD), err.reason)
        except Rejected as err:
            await self._fail_or_go_on(row, messages, err.reason,
                                      relay_delivery.delivery_after(err))
        except SendFailure as err:
            # The chat cannot be written to (blocked, gone, its channel not configured): the
            # rest of the row could not go either.
            await self.fail(row, err.reason, relay_delivery.delivery_after(err))
        except Exception as err:
            # A notice that cannot even be built must not sit in "sending" until a restart.
            log.exception("notice %d could not be sent", row.id)
            await self.fail(row, type(err).__name__)
        else:
            await self._sent(row, messages, message_id)

    async def _sent(self, row: outbox.OutboxRow, messages: list[OutboundMessage],
                    message_id: int) -> None:
        self._held_until.pop(row.id, None)
        payload = ({**row.payload, "message_id": message_id}
                   if self._keeps_message_id(row) else None)
        now = self._clock.now()

        async def record(conn: AsyncConnection) -> None:
            await self._stored_media.record(conn)
            if row.parts_sent + 1 < len(messages):
                # The next message at the chat's next turn.
                await outbox.mark_part_sent(conn, row.id, payload=payload)
                return
            await outbox.mark_sent(conn, row.id, now, payload=payload)
            if row.to_tipster:
                await relay_delivery.record_sent(conn, row)

        await self._db.run_transaction(record)

    async def _fail_or_go_on(self, row: outbox.OutboxRow, messages: list[OutboundMessage],
                             reason: str, delivery: Delivery = Delivery.FAILED) -> None:
        """One message of a new tip that cannot go (refused content, or no answer after every
        attempt) does not hold back the rest (each part names the code): it is noted in the row,
        and the next goes at the chat's next turn."""
        last = row.parts_sent + 1 >= len(messages)
        if new_tip_of(row.payload) is None or last:
            await self.fail(row, reason, delivery)
            return
        self._held_until.pop(row.id, None)
        log.warning("notice %d: message %d of %d failed: %s", row.id, row.parts_sent + 1,
                    len(messages), reason)
        payload = {**row.payload, "skipped": [*row.payload.get("skipped", []), row.parts_sent]}
        await self._db.run_transaction(
            lambda conn: outbox.mark_part_sent(conn, row.id, payload=payload))

    async def hold(self, row: outbox.OutboxRow, seconds: float, reason: str, *,
                   counts_as_attempt: bool = True) -> None:
        # The hold is kept in memory (the loop's own time, which tests do not move); the row
        # goes back to pending, so a restart simply tries it again at once.
        self._held_until[row.id] = asyncio.get_running_loop().time() + seconds
        now = self._clock.now()
        await self._db.run_transaction(lambda conn: outbox.retry_later(
            conn, row.id, now, reason, counts_as_attempt=counts_as_attempt))
        self._wake()

    async def fail(self, row: outbox.OutboxRow, reason: str,
                   delivery: Delivery = Delivery.FAILED) -> None:
        self._held_until.pop(row.id, None)
        log.warning("notice %d failed: %s", row.id, reason)
        now = self._clock.now()

        async def record(conn: AsyncConnection) -> Address | None:
            if row.to_tipster:
                return await relay_delivery.record_undelivered(conn, self._tr, row, delivery,
                                                               reason, now)
            await outbox.mark_failed(conn, row.id, reason)
            return None

        if await self._db.run_transaction(record) is not None:
            self._wake()  # the officer who asked hears of it now
