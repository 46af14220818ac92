"""A minimal HTTP/1.1 server on ``asyncio.start_server`` for the fake Bot API.

Why hand-written: the fake must run in the same event loop as the bot under test and depend on
nothing but the standard library. It supports exactly what python-telegram-bot's httpx client
uses: keep-alive connections, ``Content-Length`` and chunked request bodies, one request at a
time per connection. Handlers may hold a request open (long polling); :meth:`HttpServer.stop`
gives busy handlers a short grace period to answer before cancelling every connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import unquote

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 60 * 1024 * 1024  # a little above the Bot API's 50 MB upload limit


class MalformedRequest(Exception):
    """The bytes on the wire are not an HTTP/1.1 request we understand."""


@dataclass
class HttpRequest:
    """One parsed request; header names are lower-case, ``path`` is percent-decoded."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def wants_close(self) -> bool:
        return self.headers.get("connection", "").lower() == "close"


@dataclass
class HttpResponse:
    """What a handler answers; the server adds the framing headers."""

    status: int
    body: bytes
    content_type: str = "application/json"
    extra_headers: dict[str, str] = field(default_factory=dict)


RequestHandler = Callable[[HttpRequest], Awaitable[HttpResponse]]


async def read_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """Read one request; ``None`` when the client closed the connection between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise MalformedRequest("connection closed inside the request head") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise MalformedRequest("request head too large") from exc
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, _version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise MalformedRequest(f"bad request line {lines[0]!r}") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise MalformedRequest(f"bad header line {line!r}")
        headers[name.strip().lower()] = value.strip()
    raw_path, _, query = target.partition("?")
    request = HttpRequest(method.upper(), unquote(raw_path), query, headers)
    request.body = await _read_body(reader, headers)
    return request


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(reader)
    length_text = headers.get("content-length")
    if not length_text:
        return b""
    try:
        length = int(length_text)
    except ValueError as exc:
        raise MalformedRequest(f"bad Content-Length {length_text!r}") from exc
    if length < 0 or length > MAX_BODY_BYTES:
        raise MalformedRequest(f"unacceptable Content-Length {length}")
    return await reader.readexactly(length)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        size_line = await reader.readline()
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise MalformedRequest(f"bad chunk size {size_line!r}") from exc
        if size == 0:
            # Skip optional trailers up to the blank line that ends the body.
            while (await reader.readline()).strip():
                pass
            return b"".join(chunks)
        total += size
        if total > MAX_BODY_BYTES:
            raise MalformedRequest("chunked body too large")
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)  # the CRLF after each chunk


def encode_response(response: HttpResponse, *, keep_alive: bool) -> bytes:
    """Serialise a response with ``Content-Length`` framing."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Unknown"
    headers = {
        "Content-Type": response.content_type,
        "Content-Length": str(len(response.body)),
        "Connection": "keep-alive" if keep_alive else "close",
        **response.extra_headers,
    }
    head = f"HTTP/1.1 {response.status} {reason}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return head.encode("latin-1") + b"\r\n" + response.body


class HttpServer:
    """Serves ``handler`` on 127.0.0.1 (an ephemeral port unless one is given)."""

    def __init__(self, handler: RequestHandler, host: str = "127.0.0.1", port: int = 0) -> None:
        self._handler = handler
        self._host = host
        self._requested_port = port
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._busy: set[asyncio.Task[None]] = set()
        self._closing = False
        self.port = 0

    async def start(self, port: int | None = None) -> None:
        self._closing = False
        self._server = await asyncio.start_server(
            self._serve,
            self._host,
            self._requested_port if port is None else port,
            limit=MAX_HEADER_BYTES,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self, grace: float = 1.0) -> None:
        """Stop accepting, let busy handlers answer for up to ``grace`` s, then hang up.

        The caller should first make held requests (long polls) return, e.g. by notifying them.
        Idle keep-alive connections are closed from our side rather than cancelled, because a
        cancelled connection task makes Python 3.11's stream machinery log a spurious error.
        """
        self._closing = True
        if self._server is not None:
            self._server.close()
        if self._busy:
            await asyncio.wait(set(self._busy), timeout=grace)
        for writer in self._connections.values():
            writer.transport.abort()
        if self._connections:
            _, stuck = await asyncio.wait(set(self._connections), timeout=grace)
            for task in stuck:
                task.cancel()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            await self._serve_requests(reader, writer, task)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away; nothing to answer
        except asyncio.CancelledError:
            pass  # stop() gave up on a handler; end quietly (see stop())
        except MalformedRequest as exc:
            bad = HttpResponse(400, str(exc).encode(), "text/plain")
            with contextlib.suppress(ConnectionError):
                writer.write(encode_response(bad, keep_alive=False))
                await writer.drain()
        finally:
            self._connections.pop(task, None)
            writer.close()

    async def _serve_requests(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, task: asyncio.Task[None]
    ) -> None:
        while not self._closing:
            request = await read_request(reader)
            if request is None:
                return
            self._busy.add(task)
            try:
                response = await self._handler(request)
            finally:
                self._busy.discard(task)
            keep_alive = not request.wants_close and not self._closing
            writer.write(encode_response(response, keep_alive=keep_alive))
            await writer.drain()
            if not keep_alive:
                return
