"""A lean Bot API client for paid broadcasts: JSON in, JSON out, over kept-alive HTTP/1.1.

Why not python-telegram-bot's Bot (used for everything else): a paid broadcast may send 1,000
messages a second, and through PTB each one cost some 2 ms of CPU on this project's 2-core
machine - almost all of it in httpx/httpcore (a bare ``httpx.AsyncClient.post`` costs the same;
PTB's own request building and ``Message.de_json`` are a tenth of it), so one core could not send
more than ~400 a second whatever the rest of the bot did. This client writes the request the Bot
API documents (``POST …/bot<token>/sendMessage`` with an ``application/json`` body, the same
fields PTB sends) on a pool of kept-alive connections and reads back the status and the body:
some 40 µs a request. It knows only what a send needs: ``Content-Length`` and chunked answers,
keep-alive and ``Connection: close``, TLS (``https://``). Error answers are turned into PTB's own
exceptions (:func:`api_error`), so one classification (``channels.telegram.classify``) serves
both paths.

What a failure proves is kept apart, as the delivery engine needs it (SPEC §12):
* :class:`NotSent`: the request never left (no connection could be made, or the pool had none
  free in time) - a retry is safe;
* :class:`AnswerLost`: it was written, and no complete answer came (a timeout, a reset): the
  message may have been delivered.
A kept-alive connection the server has closed is noticed before reuse (at EOF, or idle longer
than ``MAX_IDLE``) and replaced, so a request is not written into a connection already dead.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

MAX_IDLE = 20.0  # seconds a connection may rest before it is closed rather than reused
MAX_HEAD = 64 * 1024
Observer = Callable[[str, int | None, float], None]  # method, status (None: failed), seconds


class NotSent(Exception):
    """The request never left this process: nothing can have been delivered. ``timed_out``: a
    deadline passed (connecting, or waiting for a free connection) rather than a refusal."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class AnswerLost(Exception):
    """The request was written but no complete answer came: it may have been delivered.
    ``timed_out``: the read deadline passed (rather than a reset or a malformed answer)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


_UNSET: Any = object()  # a timeout not given: the client's own (``None`` means no deadline)


class _Connection:
    __slots__ = ("reader", "rested_at", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.rested_at = time.monotonic()

    def usable(self, max_idle: float) -> bool:
        return (not self.writer.is_closing() and not self.reader.at_eof()
                and time.monotonic() - self.rested_at < max_idle)

    def close(self) -> None:
        self.writer.close()


class BotApiClient:
    """``await client.call("sendMessage", {...})`` → ``(status, decoded answer)``."""

    def __init__(self, api_url: str, *, pool_size: int, read_timeout: float | None,
                 connect_timeout: float | None = 10.0, pool_timeout: float | None = 30.0,
                 tls: ssl.SSLContext | None = None, observe: Observer | None = None,
                 max_idle: float = MAX_IDLE, user_agent: str = "") -> None:
        # ``api_url``: the bot's base URL with its token, as PTB's ``Bot.base_url`` gives it.
        parts = urlsplit(api_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._path = parts.path.rstrip("/")
        self._host_header = parts.netloc.rsplit("@", 1)[-1]
        self._tls = (tls or ssl.create_default_context()) if self._https else None
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._observe = observe
        self._max_idle = max_idle
        self._extra_head = f"User-Agent: {user_agent}\r\n" if user_agent else ""
        self._closed = False
        self._idle: deque[_Connection] = deque()
        self._open = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return await self.call_raw(method, json.dumps(params, ensure_ascii=False).encode())

    async def call_raw(self, method: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """POST ``body`` (JSON) to ``method``; the answer's status and decoded JSON. Raises
        :class:`NotSent` or :class:`AnswerLost` (see the module docstring)."""
        started = time.monotonic()
        try:
            status, answer = await self.exchange(f"{self._path}/{method}", body,
                                                 "application/json")
        except AnswerLost:
            self._observed(method, None, started)
            raise
        self._observed(method, status, started)
        try:
            decoded = json.loads(answer) if answer else {}
        except ValueError:
            decoded = {}  # a proxy's HTML page: the status alone says what happened
        return status, decoded if isinstance(decoded, dict) else {}

    async def exchange(self, path: str, body: bytes, content_type: str, *,
                       read_timeout: float | None = _UNSET,
                       connect_timeout: float | None = _UNSET,
                       pool_timeout: float | None = _UNSET) -> tuple[int, bytes]:
        """POST ``body`` to ``path`` (the whole path: the URL's, token included); the answer's
        status and raw body. A timeout left out is the client's own; ``None``: no deadline.
        Raises :class:`NotSent` or :class:`AnswerLost` (see the module docstring)."""
        connection = await self._acquire(
            self._connect_timeout if connect_timeout is _UNSET else connect_timeout,
            self._pool_timeout if pool_timeout is _UNSET else pool_timeout)
        head = (f"POST {path} HTTP/1.1\r\nHost: {self._host_header}\r\n{self._extra_head}"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n")
        keep = False
        try:
            connection.writer.write(head.encode("latin-1") + body)
            try:
                async with asyncio.timeout(self._read_timeout if read_timeout is _UNSET
                                           else read_timeout):
                    status, answer, keep = await _read_answer(connection.reader)
            except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    TimeoutError, ValueError) as error:
                raise AnswerLost(f"{type(error).__name__}: {error}",
                                 timed_out=isinstance(error, TimeoutError)) from error
        finally:
            self._release(connection, keep)
        return status, answer

    def _observed(self, method: str, status: int | None, started: float) -> None:
        if self._observe is not None:
            self._observe(method, status, time.monotonic() - started)

    async def _acquire(self, connect_timeout: float | None,
                       pool_timeout: float | None) -> _Connection:
        if self._closed:
            raise NotSent("the client is closed")
        while True:
            while self._idle:
                connection = self._idle.pop()  # the most recently used: least likely stale
                if connection.usable(self._max_idle):
                    return connection
                self._open -= 1
                connection.close()
            if self._open < self._pool_size:
                self._open += 1
                try:
                    async with asyncio.timeout(connect_timeout):
                        reader, writer = await asyncio.open_connection(
                            self._host, self._port, ssl=self._tls, limit=MAX_HEAD,
                            server_hostname=self._host if self._https else None)
                except BaseException as error:  # cancelled too: the place is given back
                    self._open -= 1
                    self._wake_one()
                    if isinstance(error, (OSError, TimeoutError)):
                        raise NotSent(f"connect: {type(error).__name__}: {error}",
                                      timed_out=isinstance(error, TimeoutError)) from error
                    raise
                return _Connection(reader, writer)
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(pool_timeout):
                    await waiter
            except BaseException as error:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                elif waiter.done() and not waiter.cancelled():
                    self._wake_one()  # woken, but leaving: the free place is the next one's
                if isinstance(error, TimeoutError):
                    raise NotSent("no free connection in time", timed_out=True) from error
                raise

    def _release(self, connection: _Connection, keep: bool) -> None:
        if keep and not self._closed and not connection.writer.is_closing():
            connection.rested_at = time.monotonic()
            self._idle.append(connection)
        else:
            self._open -= 1
            connection.close()
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close(self) -> None:
        """Closes the resting connections; one still in use is closed when its answer is read,
        and a later request is refused (:class:`NotSent`)."""
        self._closed = True
        while self._idle:
            self._idle.pop().close()
            self._open -= 1


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 answer: status, body, whether the connection may be reused."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length: int | None = None
    chunked = False
    keep = lines[0].startswith("HTTP/1.1")
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value.lower()
        elif name == "connection":
            keep = value.strip().lower() != "close"
    if chunked:
        return status, await _read_chunks(reader), keep
    if length is None:  # the body ends with the connection
        return status, await reader.read(), False
    return status, await reader.readexactly(length), keep


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readline()).strip():
                pass  # trailers
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def api_error(status: int, answer: dict[str, Any]) -> TelegramError:
    """The exception PTB raises for this error answer (``telegram.request.BaseRequest.
    _request_wrapper``), so that ``channels.telegram.classify`` reads both paths alike."""
    description = str(answer.get("description") or f"HTTP {status}")
    parameters = answer.get("parameters") or {}
    if isinstance(parameters, dict):
        if "migrate_to_chat_id" in parameters:
            return ChatMigrated(int(parameters["migrate_to_chat_id"]))
        if "retry_after" in parameters:
            return RetryAfter(int(parameters["retry_after"]))
    if status == 403:
        return Forbidden(description)
    if status in (401, 404):
        return InvalidToken(description)
    if status == 400:
        return BadRequest(description)
    if status == 409:
        return Conflict(description)
    if status == 502:
        return NetworkError(answer.get("description") or "Bad Gateway")
    return NetworkError(f"{description} ({status})")
