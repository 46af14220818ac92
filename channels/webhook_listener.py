"""The HTTP listener a channel's webhook receiver runs: one tornado server (already a dependency
through python-telegram-bot's webhooks extra) on the configured address, port and path, with a
cap on the body size. The receiver keeps its own checks; this only serves, and says where.

A receiver that inherits :class:`ListenedReceiver` runs and says where by its listener's words
(``port``, ``url``, ``start``, ``stop``), so the Zalo OA, Zalo Bot and SMS receivers do not each
repeat them."""

from __future__ import annotations

import re
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from channels.inbound_once import InboundOnce


class WebhookListener:
    def __init__(self, *, listen: str, port: int, path: str, handler: type[RequestHandler],
                 handler_args: dict[str, Any], max_body_bytes: int) -> None:
        self._listen = listen
        self._requested_port = port
        self.path = "/" + path.lstrip("/")
        self._handler = handler
        self._handler_args = handler_args
        self._max_body_bytes = max_body_bytes
        self._server: HTTPServer | None = None
        self.port = 0  # the bound port (the requested one, or the system's pick for 0)

    @property
    def url(self) -> str:
        return f"http://{self._listen}:{self.port}{self.path}"

    async def start(self) -> None:
        # tornado reads a route as a regular expression; the configured path is literal.
        application = Application([(re.escape(self.path), self._handler, self._handler_args)])
        self._server = HTTPServer(application, max_body_size=self._max_body_bytes)
        sockets = bind_sockets(self._requested_port, self._listen)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


class ListenedReceiver:
    """A webhook receiver served by its ``_listener``: the runtime starts, stops and reports it
    (``port``, ``url``) as the receiver itself."""

    _listener: WebhookListener
    # Each event claimed once (``channels.inbound_once``), when the receiver's events are.
    _claims: InboundOnce | None = None

    @property
    def port(self) -> int:
        return self._listener.port

    @property
    def url(self) -> str:
        return self._listener.url

    async def start(self) -> None:
        if self._claims is not None:
            # Before the first request: claims a dead process left are uncertain.
            await self._claims.give_up_left_claims()
        await self._listener.start()

    async def stop(self) -> None:
        # No new request, then the events under way finish before the bot closes their clients.
        await self._listener.stop()
        if self._claims is not None:
            await self._claims.drain()
