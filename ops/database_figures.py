"""The figures kept in the database, read when ``/metrics`` or ``/healthz`` is asked.

A custom Prometheus collector (``prometheus_client.registry.Collector``): ``refresh()`` runs the
queries (``storage.ops_figures``) on the event loop, then ``collect()`` - which the client calls
synchronously while it renders the text - turns that one snapshot into metric families. Read at
scrape time, the figures are the database's own: the same after a restart, the same whichever
process is asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ops.telegram_state import TELEGRAM_STATE
from storage.db import Database
from storage.inbox import inbox_counts
from storage.ops_figures import OpsFigures, read_ops_figures

# A health check that waits longer than a monitoring system's own timeout says nothing: a
# database that does not answer within this is reported down.
DATABASE_CHECK_TIMEOUT_S = 5.0

log = logging.getLogger(__name__)


class DatabaseFigures(Collector):
    def __init__(self, db: Database) -> None:
        self._db = db
        self.latest: OpsFigures | None = None
        self.inbox: dict[str, int] = {}  # webhook inbox rows by state (none in polling mode)

    async def refresh(self) -> OpsFigures | None:
        """Read the figures now; None (and the database reported down) when that fails."""
        try:
            async with asyncio.timeout(DATABASE_CHECK_TIMEOUT_S), self._db.reading() as conn:
                self.latest = await read_ops_figures(conn)
                self.inbox = await inbox_counts(conn)
        except Exception as err:  # any failure to read is "the database is down" to a monitor
            # The class only: a driver's message can quote the connection string.
            log.warning("health check: the database did not answer (%s)", type(err).__name__)
            self.latest = None
        return self.latest

    def describe(self) -> Iterable[Metric]:
        return ()  # nothing to check at registration: the families depend on the data

    def collect(self) -> Iterable[Metric]:
        figures = self.latest
        database_up = GaugeMetricFamily(
            "kna_database_up", "1 when the database answered this scrape's queries, else 0.")
        database_up.add_metric([], 1 if figures is not None else 0)
        yield database_up
        telegram_up = GaugeMetricFamily(
            "kna_telegram_up", "1 when the Bot API's last answer was usable, 0 when it failed.")
        if TELEGRAM_STATE.state != "unknown":
            telegram_up.add_metric([], 1 if TELEGRAM_STATE.state == "ok" else 0)
        yield telegram_up
        if figures is None:
            return
        yield from _database_families(figures)
        inbox = GaugeMetricFamily(
            "kna_webhook_inbox",
            "Webhook inbox rows by state: received (waiting for the leader), taken (being"
            " handled), done, uncertain, unreadable.", labels=["state"])
        for state, count in sorted(self.inbox.items()):
            inbox.add_metric([state], count)
        yield inbox


def _database_families(figures: OpsFigures) -> Iterable[Metric]:
    tips = CounterMetricFamily("kna_tips_filed", "Tips filed, by category.", labels=["category"])
    for category, count in sorted(figures.tips_by_category.items()):
        tips.add_metric([category], count)
    yield tips
    deliveries = GaugeMetricFamily(
        "kna_bulletin_deliveries",
        "Bulletin delivery rows (one per bulletin and group), by state and channel.",
        labels=["state", "channel"])
    for (state, channel), count in sorted(figures.deliveries.items()):
        deliveries.add_metric([state, channel], count)
    yield deliveries
    yield GaugeMetricFamily("kna_bulletin_deliveries_waiting",
                            "Bulletin deliveries not done yet (pending or sending).",
                            value=figures.pending_deliveries)
    outbox = GaugeMetricFamily("kna_outbox_notices", "Notices in the outbox, by state.",
                               labels=["state"])
    for state, count in sorted(figures.outbox.items()):
        outbox.add_metric([state], count)
    yield outbox
    yield GaugeMetricFamily("kna_outbox_depth", "Notices waiting to be sent (pending or sending).",
                            value=figures.outbox_depth)
