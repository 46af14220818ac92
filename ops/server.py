"""The health and metrics server: ``GET /healthz`` (JSON) and ``GET /metrics`` (Prometheus
text), on ``[ops] listen`` (SPEC §14).

Tornado, already in the bot for PTB's webhook server, serves both on the bot's own event loop;
each request reads the database's figures afresh (``ops.database_figures``) through a small
engine of the server's own, so a standby that has not started the bot answers too. Started
before the bot, stopped after it (``bot.cli``). Without an ``[ops]`` table there is no server,
but the process still takes its role and counts its metrics.
"""

from __future__ import annotations

import json
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from core.config_model import OpsSettings
from ops.database_figures import DatabaseFigures
from ops.health import health_report
from ops.metrics import PROCESS_REGISTRY
from ops.role import PROCESS_ROLE
from ops.telegram_state import TELEGRAM_STATE
from storage.db import Database, open_database


class _OpsHandler(RequestHandler):
    def initialize(self, figures: DatabaseFigures, registry: CollectorRegistry) -> None:
        self.figures = figures
        self.registry = registry

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")


class HealthHandler(_OpsHandler):
    async def get(self) -> None:
        report = health_report(await self.figures.refresh(), TELEGRAM_STATE, PROCESS_ROLE,
                               self.figures.inbox)
        self.set_status(report.http_status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(report.body))


class MetricsHandler(_OpsHandler):
    async def get(self) -> None:
        await self.figures.refresh()
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest(PROCESS_REGISTRY) + generate_latest(self.registry))


def _no_access_log(_handler: RequestHandler) -> None:
    """A scrape every 15 seconds is not news; errors are still logged by the handlers."""


class OpsServer:
    def __init__(self, settings: OpsSettings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.figures = DatabaseFigures(db)
        # This bot's database figures; the process's own metrics are on PROCESS_REGISTRY.
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self.figures)
        routes: dict[str, Any] = {"figures": self.figures, "registry": self.registry}
        self._application = Application(
            [(r"/healthz", HealthHandler, routes), (r"/metrics", MetricsHandler, routes)],
            log_function=_no_access_log)
        self._http: HTTPServer | None = None

    def start(self) -> None:
        """Listen now; OSError when the address is taken or cannot be bound."""
        http = HTTPServer(self._application)
        http.listen(self.settings.port, address=self.settings.host)
        self._http = http

    async def stop(self) -> None:
        if self._http is not None:
            http, self._http = self._http, None
            http.stop()
            await http.close_all_connections()
        await self.db.close()


async def start_ops(settings: OpsSettings | None, storage_url: str,
                    timezone: str) -> OpsServer | None:
    """With ``[ops] listen``, serve health and metrics now; OSError when the address cannot be
    bound (nothing is left open then)."""
    if settings is None:
        return None
    server = OpsServer(settings, open_database(storage_url, timezone=timezone))
    try:
        server.start()
    except OSError:
        await server.db.close()
        raise
    return server
