"""Downloading a file a person sent on Zalo (``channels.typed_chat.downloads``): the bytes from
Zalo's CDN (the OA emulator serves them), refused past the cap by ``Content-Length`` and, when a
server sends none, by counting; a bad link or an error answer is "unreadable"; the link is in no
log line, not even httpx's own."""

from __future__ import annotations

import asyncio
import logging

import pytest

from channels.typed_chat.downloads import DownloadFailed, Refusal, download
from tests.e2e.zalo_steps import running_zalo


async def test_the_bytes_and_their_type_come_back():
    async with running_zalo() as zalo:
        url = zalo.host_media(b"\xff\xd8 photo \xff\xd9", ".jpg", "image/jpeg")
        got = await download(url)
    assert (got.data, got.mime_type) == (b"\xff\xd8 photo \xff\xd9", "image/jpeg")


async def test_a_file_over_the_cap_is_refused_by_its_declared_length():
    async with running_zalo() as zalo:
        url = zalo.host_media(b"x" * 101, ".mp4", "video/mp4")
        with pytest.raises(DownloadFailed) as refused:
            await download(url, limit=100)
        assert refused.value.refusal is Refusal.TOO_BIG
        assert (await download(url, limit=101)).data == b"x" * 101


async def test_a_file_over_the_cap_without_a_declared_length_is_refused_while_counting():
    """A server that sends no Content-Length (the body ends when it closes)."""
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n")
        for _ in range(10):
            writer.write(b"y" * 64)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(DownloadFailed) as refused:
            await download(f"http://127.0.0.1:{port}/media/v.mp4", limit=300)
        assert refused.value.refusal is Refusal.TOO_BIG
        assert len((await download(f"http://127.0.0.1:{port}/m", limit=640)).data) == 640
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("link", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:x",
                                  "", "http://", "http://127.0.0.1:1/media/x.jpg"])
async def test_a_bad_or_dead_link_is_unreadable(link):
    with pytest.raises(DownloadFailed) as refused:
        await download(link)
    assert refused.value.refusal is Refusal.UNREADABLE


async def test_a_link_whose_file_is_gone_is_unreadable_and_in_no_log_line(caplog):
    caplog.set_level(logging.DEBUG)
    # A bot started by an earlier test leaves httpx at WARNING (bot.logging): open it again.
    caplog.set_level(logging.DEBUG, logger="httpx")
    async with running_zalo() as zalo:
        url = f"{zalo.base_url}/media/0123456789abcdef.jpg"
        with pytest.raises(DownloadFailed) as refused:
            await download(url)
        served = zalo.host_media(b"data", ".jpg", "image/jpeg")
        await download(served)
    assert refused.value.refusal is Refusal.UNREADABLE
    assert any(record.name == "httpx" for record in caplog.records)  # httpx did log them
    assert "0123456789abcdef" not in caplog.text and served not in caplog.text
    assert served.rsplit("/", 1)[1] not in caplog.text


async def test_a_server_trickling_bytes_is_given_up_as_unreadable(monkeypatch):
    """Each read comes in time, the whole never does: the total deadline ends it."""
    monkeypatch.setattr("channels.typed_chat.downloads.TOTAL_SECONDS", 0.3)
    stop = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        while not stop.is_set():
            writer.write(b"z")
            await writer.drain()
            await asyncio.sleep(0.05)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(DownloadFailed) as refused:
            await download(f"http://127.0.0.1:{port}/media/slow.mp4")
        assert refused.value.refusal is Refusal.UNREADABLE
    finally:
        stop.set()
        server.close()
        await server.wait_closed()
