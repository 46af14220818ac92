"""What the gateway phone says later of the SMS copies it accepted (SPEC §12: no silent loss).

A bulletin's SMS copy is ``sent`` once SMS Gateway for Android queued it under the delivery row's
id (``delivery-<id>``, the key ``broadcasts.delivery`` gives). The phone then moves it
``Pending → Processed → Sent → Delivered``, or to ``Failed`` (no signal, SIM out of credit, the
number switched off for days). This asks the phone (``GET /message/<id>``) about each copy sent
in the last :data:`WINDOW` whose fate is still open, every :data:`INTERVAL`:

* ``Failed``: the phone's reason is recorded on the row (``storage.sms_delivery_states``; the
  row stays ``sent``: the request went and was billed, and the statistics counted it), and the
  officer who sent the bulletin is told how many of its SMS did not arrive and why, once per
  pass and bulletin. A scheduled bulletin has no sender: the row alone says it.
* ``Delivered``, or unknown to the phone (its log cleared): settled, not asked again.
* ``Pending``/``Processed``/``Sent``: asked again next time; past the window, no longer (many
  phones never get a delivery report, and ``Sent`` is then the last word).

Which copies are settled is kept in memory: after a restart the copies of the window are asked
once more, which costs a few local requests and changes nothing. A phone that does not answer
ends the pass; the next one tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import timedelta

from channels.sms.provider import FINAL_STATES, SmsProvider, SmsState
from core.address import Address
from core.clock import Clock
from core.i18n import Translator
from core.outbound import Channel, OutboundMessage, SendFailure, delivery_key
from storage import sms_delivery_states as store
from storage.db import Database

log = logging.getLogger(__name__)

INTERVAL = 60.0  # seconds between two passes
WINDOW = timedelta(days=1)


class SmsDeliveryStates:
    def __init__(self, db: Database, provider: SmsProvider, clock: Clock, tr: Translator,
                 staff_channel: Channel, *, interval: float = INTERVAL) -> None:
        self._db = db
        self._provider = provider
        self._clock = clock
        self._tr = tr
        self._staff_channel = staff_channel
        self._interval = interval
        self._settled: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    async def check_once(self) -> int:
        """Ask the phone about every open copy of the window; returns the failures recorded."""
        now = self._clock.now()
        async with self._db.reading() as conn:
            open_copies = await store.sent_sms_unsettled(conn, now - WINDOW)
        self._settled &= {copy.delivery_id for copy in open_copies}
        failures: list[store.PhoneFailure] = []
        reasons: dict[tuple[Address | None, int], str] = {}
        for copy in open_copies:
            if copy.delivery_id in self._settled:
                continue
            try:
                report = await self._provider.report(delivery_key(copy.delivery_id))
            except SendFailure as failure:
                log.warning("SMS states not checked: the gateway did not answer (%s)",
                            type(failure).__name__)
                break
            if report.state is SmsState.FAILED:
                reason = f"sms: the phone reports it failed ({report.error or 'no reason'})"
                async with self._db.transaction() as conn:
                    failed = await store.record_phone_failure(conn, copy.delivery_id, reason,
                                                              self._clock.now())
                if failed is not None:
                    failures.append(failed)
                    reasons[(failed.requested_by, failed.bulletin_id)] = (
                        report.error or self._tr("sms.delivery.no_reason"))
            if report.state in FINAL_STATES or report.state is SmsState.UNKNOWN:
                self._settled.add(copy.delivery_id)
        await self._tell_senders(failures, reasons)
        return len(failures)

    async def _tell_senders(self, failures: list[store.PhoneFailure],
                            reasons: dict[tuple[Address | None, int], str]) -> None:
        counts = Counter((f.requested_by, f.bulletin_id) for f in failures)
        for (sender, bulletin_id), count in counts.items():
            if sender is None:
                continue  # a schedule slot: the rows say it, nobody asked to hear
            text = self._tr("sms.delivery.phone_failed", bulletin=bulletin_id, count=count,
                            reason=reasons[(sender, bulletin_id)])
            try:
                await self._staff_channel.send(sender, OutboundMessage(text))
            except SendFailure as failure:
                log.warning("SMS failure notice not delivered: %s", type(failure).__name__)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sms-delivery-states")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.check_once()
            except Exception:
                log.exception("SMS delivery states pass failed; trying again later")
            await asyncio.sleep(self._interval)
