"""python-telegram-bot's request layer on the lean Bot API client: every JSON call of the bot
(``sendMessage``, ``copyMessage``, ``getUpdates``, …) without httpx.

Why: through PTB's ``HTTPXRequest`` a Bot API call cost some 2 ms of CPU on this project's
2-core machine (more on a trickle of calls a second apart), two thirds of the bot's CPU per tip
- almost all of it in httpx/httpcore/anyio, not in PTB. ``channels.bot_api_client`` (proven by
paid broadcasts) does the same exchange in some 40 µs: an HTTP/1.1 POST on a kept-alive
connection, the answer read by ``Content-Length`` or chunks.

:class:`LeanRequest` is an ``HTTPXRequest`` (so it takes the same arguments, and PTB sees the
same ``read_timeout``, ``initialize`` and ``shutdown``) whose ``do_request`` sends a POST without
files itself, its parameters as one ``application/json`` body (the Bot API takes JSON as it
takes forms; encoding the form, as httpx would, cost the bot some 50 µs a call in
``urllib.parse.quote``, a Python loop over every byte of a Vietnamese text, where
``json.dumps`` is C). Left to httpx, unchanged: uploads (``request_data.contains_files``:
multipart), any GET (file downloads), and an origin the environment sends through a proxy
(``HTTPS_PROXY``, ``ALL_PROXY``; httpx honours them, the lean client does not speak to proxies)
or any request when a proxy is passed explicitly.

Timeouts follow PTB's rules (``BaseRequest.DEFAULT_NONE``: this object's own; ``None``: no
deadline): connect, pool (waiting for a free connection) and read (from the request written to
the whole answer read: the long poll's ``getUpdates`` passes its longer one). The write timeout
is not applied on its own: a JSON body goes into the socket's buffer at once, and its time is
inside the read deadline. Failures become what HTTPXRequest raises, so PTB's and the project's
handling (``channels.telegram.classify``, the delivery engine's "may it have arrived?") read
both alike: a deadline passed - ``TimedOut`` (a pool timeout with httpx's words: not sent); any
other failure - ``NetworkError``; the client's ``NotSent``/``AnswerLost`` is the cause.
"""

from __future__ import annotations

import json
import ssl
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from channels.bot_api_client import AnswerLost, BotApiClient, NotSent

JSON = "application/json"
POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent "
    "to Telegram. Consider adjusting the connection pool size or the pool timeout.")
# A bot calls a few dozen methods; their URLs (token included) are parsed once and kept.
KNOWN_URLS = 256


class LeanRequest(HTTPXRequest):
    """``lean=False``: plain HTTPXRequest (the opt-out, ``[telegram] http_client = "httpx"``)."""

    def __init__(self, connection_pool_size: int = 256, *, lean: bool = True,
                 tls: ssl.SSLContext | None = None, keep_alive: float = 20.0,
                 **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        self._lean = lean and kwargs.get("proxy") is None and not (
            kwargs.get("httpx_kwargs") or {}).get("proxy")
        self._pool_size = connection_pool_size
        self._tls = tls
        self._keep_alive = keep_alive
        self._origins: dict[str, BotApiClient | None] = {}  # None: through httpx (a proxy)
        self._targets: dict[str, tuple[BotApiClient | None, str]] = {}

    @property
    def lean(self) -> bool:
        return self._lean

    async def shutdown(self) -> None:
        clients = [client for client in self._origins.values() if client is not None]
        self._origins.clear()
        self._targets.clear()
        for client in clients:
            await client.close()
        await super().shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._client.is_closed:  # as HTTPXRequest: not used after shutdown
            raise RuntimeError("This LeanRequest is not initialized!")
        client, path = (self._target(url) if self._lean and method == "POST" and not (
            request_data is not None and request_data.contains_files) else (None, ""))
        if client is None:
            return await super().do_request(url, method, request_data, read_timeout,
                                            write_timeout, connect_timeout, pool_timeout)
        defaults = self._client.timeout
        body = (json.dumps(request_data.parameters, ensure_ascii=False).encode()
                if request_data is not None else b"")
        try:
            return await client.exchange(
                path, body, JSON,
                read_timeout=defaults.read if isinstance(read_timeout, DefaultValue)
                else read_timeout,
                connect_timeout=defaults.connect if isinstance(connect_timeout, DefaultValue)
                else connect_timeout,
                pool_timeout=defaults.pool if isinstance(pool_timeout, DefaultValue)
                else pool_timeout)
        except NotSent as error:
            if not error.timed_out:
                raise NetworkError(f"lean.NotSent: {error}") from error
            if str(error).startswith("connect"):  # httpx: ConnectTimeout, a bare TimedOut
                raise TimedOut from error
            raise TimedOut(POOL_TIMEOUT_MESSAGE) from error
        except AnswerLost as error:
            if error.timed_out:
                raise TimedOut from error
            raise NetworkError(f"lean.AnswerLost: {error}") from error

    def _target(self, url: str) -> tuple[BotApiClient | None, str]:
        known = self._targets.get(url)
        if known is not None:
            return known
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._origins:
            self._origins[origin] = self._client_for(origin)
        path = parts.path or "/"
        target = (self._origins[origin], f"{path}?{parts.query}" if parts.query else path)
        if len(self._targets) < KNOWN_URLS:
            self._targets[url] = target
        return target

    def _client_for(self, origin: str) -> BotApiClient | None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or _proxied(parts.scheme, parts.hostname or ""):
            return None
        defaults = self._client.timeout
        return BotApiClient(origin, pool_size=self._pool_size, read_timeout=defaults.read,
                            connect_timeout=defaults.connect, pool_timeout=defaults.pool,
                            tls=self._tls, max_idle=self._keep_alive,
                            user_agent=self.USER_AGENT)


def _proxied(scheme: str, host: str) -> bool:
    """Whether httpx would send a request to this origin through a proxy from the environment."""
    proxies = getproxies()
    return bool(proxies.get(scheme) or proxies.get("all")) and not proxy_bypass(host)
