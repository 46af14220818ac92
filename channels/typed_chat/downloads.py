"""Downloading a file a person sent on a Zalo channel: the platform hands the bot a link to its
CDN (an OA event's ``attachments[].payload.url``, a Zalo Bot update's ``photo``), not the bytes.

Bounded on every side, since the link comes from a person's message: http and https only; at
most ``tips.received_media.MAX_MEDIA_BYTES``, refused at once by ``Content-Length`` and counted
while streaming (a server may send no length, or lie); a short timeout, so the platform's webhook
is answered in time. Nothing is kept of a download that did not finish. The link itself names a
file anyone holding it can open: it is never logged, stored, or passed on. httpx logs each
request's URL (``HTTP Request: GET <url>``) and quotes it in its errors: a filter on its logger
withholds the links being downloaded (:class:`_WithholdLinks`), and of an error only the class
is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

import httpx

from tips.received_media import MAX_MEDIA_BYTES

log = logging.getLogger(__name__)
WITHHELD = "<Zalo media link withheld>"

TIMEOUT = httpx.Timeout(15.0, connect=5.0)  # each step (connect, each read)
# The whole download: httpx's timeouts bound each read, not a server trickling bytes; the
# webhook's answer waits for this, and Zalo re-posts an event unanswered for 30 seconds.
TOTAL_SECONDS = 25.0
MAX_REDIRECTS = 3


class Refusal(StrEnum):
    TOO_BIG = "too_big"
    UNREADABLE = "unreadable"  # a bad link, an error answer, a timeout, a broken connection


class DownloadFailed(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class Downloaded:
    data: bytes = field(repr=False)
    mime_type: str  # the server's Content-Type, without parameters


class _WithholdLinks(logging.Filter):
    """On httpx's own logger (a logger's filters see the records it creates, before any
    handler): the arguments naming a link being downloaded are withheld."""

    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.links and isinstance(record.args, tuple):
            record.args = tuple(WITHHELD if str(arg) in self.links else arg
                                for arg in record.args)
        return True


_withheld = _WithholdLinks()
logging.getLogger("httpx").addFilter(_withheld)


async def download(url: str, *, limit: int = MAX_MEDIA_BYTES) -> Downloaded:
    """The bytes at ``url``; raises :class:`DownloadFailed`."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DownloadFailed(Refusal.UNREADABLE)
    try:
        link = str(httpx.URL(url))
    except (httpx.InvalidURL, ValueError, TypeError):
        raise DownloadFailed(Refusal.UNREADABLE) from None
    links = {link}
    _withheld.links.add(link)

    async def withhold(request: httpx.Request) -> None:  # each hop of a redirect too
        links.add(str(request.url))
        _withheld.links.add(str(request.url))

    try:
        async with asyncio.timeout(TOTAL_SECONDS):
            return await _download(url, limit, withhold)
    except TimeoutError:
        log.info("Zalo media: the download took longer than %d seconds", TOTAL_SECONDS)
        raise DownloadFailed(Refusal.UNREADABLE) from None
    finally:
        _withheld.links.difference_update(links)


async def _download(url: str, limit: int,
                    withhold: Callable[[httpx.Request], Awaitable[None]]) -> Downloaded:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=True,
                                     max_redirects=MAX_REDIRECTS,
                                     event_hooks={"request": [withhold]}) as client, \
                client.stream("GET", url) as response:
            if response.status_code != 200:
                log.info("Zalo media: the CDN answered HTTP %d", response.status_code)
                raise DownloadFailed(Refusal.UNREADABLE)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise DownloadFailed(Refusal.TOO_BIG)
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > limit:
                    raise DownloadFailed(Refusal.TOO_BIG)
                chunks.append(chunk)
            mime = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        log.info("Zalo media: the download failed (%s)", type(error).__name__)
        raise DownloadFailed(Refusal.UNREADABLE) from None
    return Downloaded(b"".join(chunks), mime)
