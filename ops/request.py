"""PTB's HTTP request layer, timed and watched: the Bot API's 429s, each request's latency,
and whether Telegram answers (``ops.telegram_state``).

A subclass of ``channels.lean_request.LeanRequest`` (an ``HTTPXRequest`` whose JSON calls go
through the lean Bot API client, the rest through httpx) that wraps ``do_request``, the one place
every Bot API call passes with its status code, before PTB turns a status into an exception;
used by the Application (``bot.app``) and by the delivery engine's own bot
(``bot.bulletin_runtime``).
See python-telegram-bot's ``telegram/request/_httpxrequest.py`` and ``_baserequest.py``
(``_request_wrapper`` calls ``do_request`` and maps the status code).

The method label is the last part of the URL (``sendMessage``): the part before it holds the
token and never reaches a label; a file download's path is labelled ``file``.

Every call of the bot passes here, so the per-call work is kept small: a URL's method and its
metric children (``Counter.labels`` takes a lock and builds a key each time) are looked up once
per URL and kept (a bot calls a few dozen methods; file URLs are many, so they are not kept).
"""

from __future__ import annotations

import re
import ssl
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from prometheus_client import Counter, Histogram

from channels.lean_request import LeanRequest
from ops.metrics import TELEGRAM_FAILURES, TELEGRAM_RATE_LIMITED, TELEGRAM_SEND_SECONDS
from ops.telegram_state import TELEGRAM_STATE, answer_is_failing

BOT_API_METHOD = re.compile(r"^[A-Za-z]{1,64}$")
TOO_MANY_REQUESTS = 429
# A long poll waits for updates on purpose: its time says nothing about Telegram's speed.
NOT_TIMED = frozenset({"getUpdates"})
# How long an idle connection to the Bot API is kept for the next call (httpx: 5 s). The outbox
# sends a notice about once a second per officer chat, and a burst of answers opens a few
# connections at once: with 5 s most of them were closed between bursts and opened again (a
# TCP and, against Telegram, a TLS handshake each). Reuse checks first that the server has not
# closed the connection meanwhile (httpcore), and nginx in front of Telegram keeps 75 s.
KEEP_ALIVE_SECONDS = 30.0
# The Application's pool for calls other than getUpdates: PTB's ApplicationBuilder default,
# kept when ``bot.app`` hands the builder this class instead of letting it build its own.
APPLICATION_POOL_SIZE = 256


def method_of(url: str) -> str:
    """``…/bot<token>/sendMessage`` → ``sendMessage``; ``…/file/bot<token>/photos/x.jpg`` → file."""
    parts = url.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2].startswith("bot") and BOT_API_METHOD.match(parts[-1]):
        return parts[-1]
    return "file"


@cache
def shared_tls_context() -> ssl.SSLContext:
    """One TLS context (httpx's default: certifi's CA bundle) for every request object: each
    httpx client otherwise parses the bundle into a context of its own, 0.8 MiB apiece."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class MethodMetrics:
    """One method's metric children, bound once."""

    method: str
    seconds: Histogram | None  # None: not timed (a long poll)
    failures: Counter
    rate_limited: Counter

    @classmethod
    def of(cls, method: str) -> MethodMetrics:
        return cls(method,
                   None if method in NOT_TIMED else TELEGRAM_SEND_SECONDS.labels(method),
                   TELEGRAM_FAILURES.labels(method), TELEGRAM_RATE_LIMITED.labels(method))


# By URL: the base URL holds the token, but these stay in the process, as the bot does.
_METRICS_OF_URL: dict[str, MethodMetrics] = {}
_FILE_METRICS: list[MethodMetrics] = []


def metrics_of(url: str) -> MethodMetrics:
    known = _METRICS_OF_URL.get(url)
    if known is not None:
        return known
    method = method_of(url)
    if method == "file":
        if not _FILE_METRICS:
            _FILE_METRICS.append(MethodMetrics.of(method))
        return _FILE_METRICS[0]
    known = _METRICS_OF_URL[url] = MethodMetrics.of(method)
    return known


class InstrumentedRequest(LeanRequest):
    """``lean``: JSON calls through the lean client (``channels.lean_request``), else all
    through httpx; both are timed and watched alike here."""

    def __init__(self, connection_pool_size: int = 256, *, lean: bool = True,
                 **kwargs: Any) -> None:
        given = kwargs.get("httpx_kwargs") or {}
        limits = httpx.Limits(max_connections=connection_pool_size,
                              keepalive_expiry=KEEP_ALIVE_SECONDS)
        kwargs["httpx_kwargs"] = {"verify": shared_tls_context(), "limits": limits, **given}
        super().__init__(connection_pool_size=connection_pool_size, lean=lean,
                         tls=shared_tls_context(), keep_alive=KEEP_ALIVE_SECONDS, **kwargs)

    async def do_request(self, url: str, method: str, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        metrics = metrics_of(url)
        started = time.perf_counter()
        try:
            status, payload = await super().do_request(url, method, *args, **kwargs)
        except Exception:
            metrics.failures.inc()
            TELEGRAM_STATE.record(metrics.method, ok=False)
            raise
        if metrics.seconds is not None:
            metrics.seconds.observe(time.perf_counter() - started)
        if status == TOO_MANY_REQUESTS:
            metrics.rate_limited.inc()
        failing = answer_is_failing(status)
        if failing:
            metrics.failures.inc()
        TELEGRAM_STATE.record(metrics.method, ok=not failing)
        return status, payload

