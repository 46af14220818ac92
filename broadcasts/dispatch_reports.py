"""What the officer who asked for a dispatch hears about it: the delivery summary when it is
done, and the copies a crash left uncertain (SPEC §12). Both are owed in the database until
they went out, so a crash at any point loses neither (one may, rarely, arrive twice)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from core.address import Address
from core.clock import Clock
from core.outbound import OutboundMessage
from org.directory import Directory
from storage import acknowledgements as ack_store
from storage import deliveries as delivery_store
from storage.db import Database

from . import notices

Tell = Callable[[Sequence[Address], OutboundMessage], Awaitable[bool]]


class DispatchReports:
    def __init__(self, *, db: Database, directory: Directory, clock: Clock, language: str,
                 tell: Tell) -> None:
        self.db = db
        self.directory = directory
        self.clock = clock
        self.language = language
        self._tell = tell
        self._summarising: set[int] = set()

    async def send_owed(self) -> None:
        """At start: tell senders about rows a crash left uncertain, and send the summaries
        a crash kept from going out."""
        async with self.db.reading() as conn:
            unreported = await delivery_store.unreported_uncertain(conn)
        for dispatch_id, count in unreported.items():
            await self.report_uncertain(dispatch_id, count)
        async with self.db.reading() as conn:
            owed = await delivery_store.summaries_owed(conn)
        for dispatch_id in owed:
            await self.dispatch_done(dispatch_id)

    async def report_uncertain(self, dispatch_id: int, count: int) -> None:
        async with self.db.reading() as conn:
            dispatch = await delivery_store.find_dispatch(conn, dispatch_id)
            lines = await delivery_store.dispatch_lines(conn, dispatch_id)
        if dispatch is None:
            return
        if await self._tell(self.recipients(dispatch),
                            notices.uncertain_after_restart(self.language, dispatch_id, lines,
                                                            count)):
            async with self.db.transaction() as conn:
                await delivery_store.uncertain_reported(conn, dispatch_id)

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
                lines = await delivery_store.dispatch_lines(conn, dispatch_id)
                acknowledged = await ack_store.acknowledged_groups(
                    conn, {line.bulletin_id for line in lines})
            assert dispatch is not None
            message = notices.delivery_summary(self.language, dispatch_id, dispatch.unit_code,
                                               lines, acknowledged)
            if await self._tell(self.recipients(dispatch), message):
                async with self.db.transaction() as conn:
                    await delivery_store.mark_summary_sent(conn, dispatch_id, self.clock.now())
        finally:
            self._summarising.discard(dispatch_id)
