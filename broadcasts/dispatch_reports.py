"""What the officer who asked for a dispatch hears about it: the delivery summary when it is
done, and the copies a crash left uncertain (SPEC §12). Both are owed in the database until
they are queued in the staff outbox (``broadcasts.staff_outbox``), in the transaction that marks
them told: a crash at any point loses neither and queues neither twice, and the outbox worker
sends them one a second per chat with their buttons (re-send, forced re-send), so an officer
whose many dispatches finish at once is not held up by Telegram refusing the next one.

The summary also says how many Zalo OA groups got a bulletin's words with its file described
instead of the file itself: a photo or document Zalo refused (over its 1 MB or 5 MB, a type it
does not take) or Telegram would not hand over, as ``storage.zalo_uploads`` keeps it, or a kind
Zalo OA never carries (a video, a voice note: ``broadcasts.rendering`` describes it). Those
copies are sent, not failed, so the officer would otherwise read "sent to all" and not know."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Collection, Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from core.clock import Clock
from core.i18n import t
from core.outbound import OutboundMessage
from org.directory import Directory
from storage import acknowledgements as ack_store
from storage import deliveries as delivery_store
from storage import delivery_recovery, outbox
from storage import dispatch_notices as notice_store
from storage.bulletins import find_bulletin
from storage.db import Database
from storage.zalo_uploads import find_upload

from . import notices
from .staff_outbox import notices_to

# Notices were queued in the staff outbox for these chats: its worker looks now.
Wake = Callable[[Collection[Address]], None]
# The Zalo OA channel's name in an address (``channels.zalo_oa.addresses.ZALO_OA``; the core
# does not import adapters), and the kinds of file it uploads (its ``Capabilities.media``; the
# others it never carries).
ZALO_OA = "zalo_oa"
UPLOADED_KINDS = ("photo", "document")
# An uncertain-copies notice whose count changed while it was drawn is drawn again, this often
# (a restart finds uncertain copies once; a third look would mean something else is wrong).
REDRAWS = 3


class DispatchReports:
    def __init__(self, *, db: Database, directory: Directory, clock: Clock, language: str,
                 wake: Wake) -> None:
        self.db = db
        self.directory = directory
        self.clock = clock
        self.language = language
        self._wake = wake
        self._summarising: set[int] = set()

    async def send_owed(self) -> None:
        """At start: tell senders about rows a crash left uncertain, and queue the summaries
        a crash kept from being queued."""
        async with self.db.reading() as conn:
            unreported = await delivery_recovery.unreported_uncertain(conn)
        for dispatch_id in unreported:
            await self.report_uncertain(dispatch_id)
        async with self.db.reading() as conn:
            owed = await delivery_store.summaries_owed(conn)
        for dispatch_id in owed:
            await self.dispatch_done(dispatch_id)

    async def report_uncertain(self, dispatch_id: int) -> None:
        """The copies of a dispatch a restart left uncertain, once: drawn in a read transaction,
        then queued with the mark that they were reported, in one short write transaction
        (delivery commits do not wait behind the drawing of a big dispatch)."""
        for _ in range(REDRAWS):
            async with self.db.reading() as conn:
                count = await notice_store.unreported_count(conn, dispatch_id)
                dispatch = await delivery_store.find_dispatch(conn, dispatch_id)
                if count is None or dispatch is None:
                    return
                lines = await delivery_store.dispatch_lines(conn, dispatch_id)
            told = notices_to(self.recipients(dispatch), notices.uncertain_after_restart(
                self.language, dispatch_id, lines, count))
            async with self.db.transaction() as conn:
                # Queued iff marked: the mark names the count this notice told.
                if not await notice_store.mark_reported(conn, dispatch_id, count):
                    told = []
                else:
                    await outbox.enqueue_many(conn, told, now=self.clock.now())
            if told:
                self._wake({address for address, _ in told})
                return
            # Not marked: told already elsewhere (the next look finds nothing owed), or more
            # copies were found since this drawing: drawn again with them.

    def recipients(self, dispatch: delivery_store.Dispatch) -> list[Address]:
        if dispatch.requested_by is not None:
            return [dispatch.requested_by]
        return notices.officers_for_unit(self.directory, dispatch.unit_code)

    async def dispatch_done(self, dispatch_id: int) -> None:
        # One summary at a time per dispatch in this process (a worker finishing the dispatch
        # and the start-up sweep may meet); the database says whether it is still owed.
        if dispatch_id in self._summarising:
            return
        self._summarising.add(dispatch_id)
        try:
            async with self.db.reading() as conn:
                if not await delivery_store.summary_due(conn, dispatch_id):
                    return
                dispatch = await delivery_store.find_dispatch(conn, dispatch_id)
                assert dispatch is not None
                lines = await delivery_store.dispatch_lines(conn, dispatch_id)
                acknowledged = await ack_store.acknowledged_groups(
                    conn, {line.bulletin_id for line in lines})
                words_only = await words_instead_of_file(conn, lines)
            message = notices.delivery_summary(self.language, dispatch_id, dispatch.unit_code,
                                               lines, acknowledged)
            if words_only:
                message = self._with_words_only(message, words_only)
            told = notices_to(self.recipients(dispatch), message)
            # Drawn outside the write transaction (a big dispatch's summary is not drawn while
            # delivery commits wait); marked told as it is queued, in one short one: another
            # process summarising the same dispatch finds it marked and queues nothing.
            now = self.clock.now()
            async with self.db.transaction() as conn:
                if not await delivery_store.mark_summary_sent(conn, dispatch_id, now):
                    return
                await outbox.enqueue_many(conn, told, now=now)
            self._wake({address for address, _ in told})
        finally:
            self._summarising.discard(dispatch_id)

    def _with_words_only(self, summary: OutboundMessage,
                         words_only: dict[str, int]) -> OutboundMessage:
        """The summary with a line per file kind under its first (how many groups got it)."""
        header, _, rest = summary.text.partition("\n")
        lines = [t(self.language, "bulletins.notice.summary_words_only", count=count,
                   kind=t(self.language, f"media_kind.{kind}"))
                 for kind, count in sorted(words_only.items())]
        return dataclasses.replace(summary, text="\n".join([header, *lines, *([rest] if rest
                                                                              else [])]))


async def words_instead_of_file(conn: AsyncConnection,
                                lines: Sequence[delivery_store.DeliveryLine]) -> dict[str, int]:
    """Per file kind, the Zalo OA groups that were sent a bulletin's words with its file
    described: a kind Zalo OA does not carry, or a file refused for Zalo
    (``storage.zalo_uploads``)."""
    sent = Counter(line.bulletin_id for line in lines
                   if line.channel == ZALO_OA and line.status == delivery_store.SENT)
    found: Counter[str] = Counter()
    for bulletin_id, count in sent.items():
        bulletin = await find_bulletin(conn, bulletin_id)
        if bulletin is None or not bulletin.media_kind or not bulletin.media_file_id:
            continue
        if bulletin.media_kind not in UPLOADED_KINDS:
            found[bulletin.media_kind] += count
            continue
        upload = await find_upload(conn, bulletin.media_file_id)
        if upload is not None and upload.refused_reason is not None:
            found[bulletin.media_kind] += count
    return dict(found)
