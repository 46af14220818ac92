"""The lean Bot API client (``channels.bot_api_client``) on the wire shapes the emulator does
not use: a chunked answer that closes the connection, a request that gets no answer (it may
have arrived), a port nobody listens on (it never left)."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

from channels.bot_api_client import AnswerLost, BotApiClient, NotSent


async def serve(answer: bytes | None) -> tuple[asyncio.Server, list[bytes]]:
    """A server that reads one request a connection and writes ``answer`` (None: hangs up)."""
    requests: list[bytes] = []

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        requests.append(head + await reader.readexactly(length))
        if answer is not None:
            writer.write(answer)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(one, "127.0.0.1", 0), requests


def client_for(server: asyncio.Server | int) -> BotApiClient:
    port = server if isinstance(server, int) else server.sockets[0].getsockname()[1]
    return BotApiClient(f"http://127.0.0.1:{port}/bot1:x", pool_size=2, read_timeout=5,
                        connect_timeout=5, pool_timeout=5)


async def test_a_chunked_answer_that_closes_the_connection_is_read_whole_and_not_reused():
    body = json.dumps({"ok": True, "result": {"message_id": 7}}).encode()
    answer = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + b"%x\r\n%s\r\n" % (5, body[:5]) + b"%x\r\n%s\r\n" % (len(body) - 5, body[5:])
              + b"0\r\n\r\n")
    server, requests = await serve(answer)
    client = client_for(server)
    try:
        first = await client.call("sendMessage", {"chat_id": -1, "text": "Cảnh báo"})
        second = await client.call("sendMessage", {"chat_id": -2, "text": "Cảnh báo"})
    finally:
        await client.close()
        server.close()
    assert first == second == (200, {"ok": True, "result": {"message_id": 7}})
    assert len(requests) == 2  # each on a new connection: the first was closed by the server
    assert requests[0].startswith(b"POST /bot1:x/sendMessage HTTP/1.1\r\n")
    assert json.loads(requests[0].split(b"\r\n\r\n", 1)[1]) == {"chat_id": -1,
                                                               "text": "Cảnh báo"}


async def test_a_request_that_got_no_answer_may_have_arrived():
    server, requests = await serve(None)
    client = client_for(server)
    try:
        with pytest.raises(AnswerLost):
            await client.call("sendMessage", {"chat_id": -1, "text": "x"})
    finally:
        await client.close()
        server.close()
    assert len(requests) == 1


async def test_a_port_nobody_listens_on_is_never_sent():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = client_for(port)
    with pytest.raises(NotSent):
        await client.call("sendMessage", {"chat_id": -1, "text": "x"})
