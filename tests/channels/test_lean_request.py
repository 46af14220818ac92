"""PTB's request layer on the lean client (``channels.lean_request``): the Bot API sees what it
saw through httpx, uploads and downloads still go through httpx, and each way a request can fail
becomes the exception HTTPXRequest raises, with what it proves (sent or not) kept as the cause."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData

from channels.bot_api_client import AnswerLost, BotApiClient, NotSent
from channels.lean_request import LeanRequest
from emulators.telegram import FakeTelegramAPI


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _silent_server() -> tuple[asyncio.Server, str]:
    """Accepts connections, reads, never answers."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:x/sendMessage"


async def _send(bot: Bot, chat: int) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Gửi tin báo", callback_data="tip:1")]])
    await bot.send_message(chat, "Xin chào & <b>chú ý</b> = 100%", reply_markup=markup,
                           disable_notification=True)


async def test_the_bot_api_gets_the_same_parameters_as_through_httpx():
    async with FakeTelegramAPI() as fake:
        chat = fake.user("Người nhận").id
        for lean in (False, True):
            request = LeanRequest(lean=lean)
            async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
                await _send(bot, chat)
        through_httpx, through_lean = fake.calls_to("sendMessage")
    assert through_lean.params == through_httpx.params
    assert through_lean.params["text"] == "Xin chào & <b>chú ý</b> = 100%"
    assert through_lean.status == 200


async def test_an_error_answer_is_ptbs_exception_and_the_connection_stays_usable():
    async with FakeTelegramAPI() as fake:
        chat = fake.user("Người nhận").id
        fake.inject_error("sendMessage", chat_id=chat, error_code=400,
                          description="Bad Request: message text is empty")
        async with Bot(fake.token, base_url=fake.base_url, request=LeanRequest()) as bot:
            with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
                await bot.send_message(chat, "một")
            sent = await bot.send_message(chat, "hai")
        assert sent.text == "hai"


async def test_uploads_and_downloads_go_through_httpx_and_arrive_whole():
    async with FakeTelegramAPI() as fake:
        chat = fake.user("Người nhận").id
        content = b"%PDF-1.4 " + bytes(range(256)) * 40
        request = LeanRequest()
        async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url,
                       request=request) as bot:
            message = await bot.send_document(chat, InputFile(content, filename="bao-cao.pdf"))
            assert message.document is not None
            file = await bot.get_file(message.document.file_id)
            downloaded = await file.download_as_bytearray()
            assert request._origins  # the JSON calls (getMe, getFile) went the lean way
        (upload,) = fake.calls_to("sendDocument")
        assert upload.files["document"] == content
        assert bytes(downloaded) == content


async def test_a_refused_connection_is_a_network_error_that_never_left():
    url = f"http://127.0.0.1:{_closed_port()}/bot1:x/sendMessage"
    async with LeanRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(url, "POST", RequestData([]))
    assert not isinstance(raised.value, TimedOut)
    assert isinstance(raised.value.__cause__, NotSent)


async def test_an_unanswered_request_times_out_at_the_read_timeout_it_was_given():
    server, url = await _silent_server()
    try:
        async with LeanRequest(read_timeout=30.0) as request:
            with pytest.raises(TimedOut) as raised:
                await request.do_request(url, "POST", RequestData([]), read_timeout=0.05)
    finally:
        server.close()
    assert isinstance(raised.value.__cause__, AnswerLost)  # written: it may have arrived


async def test_a_full_pool_is_a_timeout_that_says_the_request_was_not_sent():
    server, url = await _silent_server()
    try:
        async with LeanRequest(connection_pool_size=1, read_timeout=30.0) as request:
            held = asyncio.create_task(request.do_request(url, "POST", RequestData([])))
            await asyncio.sleep(0.05)
            with pytest.raises(TimedOut, match=r"not\* sent") as raised:
                await request.do_request(url, "POST", RequestData([]), pool_timeout=0.05)
            held.cancel()
            with pytest.raises(asyncio.CancelledError):
                await held
    finally:
        server.close()
    assert isinstance(raised.value.__cause__, NotSent)


async def test_a_long_poll_waits_past_the_default_read_timeout():
    async with FakeTelegramAPI() as fake:
        fake.inject_delay("getUpdates", 0.3)
        async with Bot(fake.token, base_url=fake.base_url,
                       request=LeanRequest(read_timeout=0.1)) as bot:
            updates = await bot.get_updates(timeout=1)
        assert updates == ()


async def test_after_shutdown_it_refuses_until_initialized_again():
    async with FakeTelegramAPI() as fake:
        request = LeanRequest()
        bot = Bot(fake.token, base_url=fake.base_url, request=request)
        await bot.initialize()
        await bot.shutdown()
        url = f"{fake.base_url}{fake.token}/getMe"
        with pytest.raises(RuntimeError):
            await request.do_request(url, "POST")
        await request.initialize()
        status, _ = await request.do_request(url, "POST")
        await request.shutdown()
    assert status == 200


async def test_an_environment_proxy_or_the_opt_out_leaves_everything_to_httpx(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with FakeTelegramAPI() as fake:
        url = f"{fake.base_url}{fake.token}/getMe"
        assert LeanRequest()._target(url)[0] is None
        monkeypatch.delenv("HTTP_PROXY")
        assert LeanRequest()._target(url)[0] is not None
        opted_out = LeanRequest(lean=False)
        assert not opted_out.lean
        async with opted_out:
            status, _ = await opted_out.do_request(url, "POST")
        assert not opted_out._origins and status == 200


async def test_a_waiter_woken_then_cancelled_passes_the_free_connection_on():
    """The next in the pool's queue gets the connection a cancelled caller was woken for, rather
    than waiting out its pool timeout beside an idle connection."""
    server, url = await _silent_server()
    client = BotApiClient(url.rsplit("/bot", 1)[0], pool_size=1, read_timeout=5.0,
                          connect_timeout=5.0, pool_timeout=5.0)
    try:
        held = await client._acquire(5.0, 5.0)
        woken = asyncio.create_task(client._acquire(5.0, 5.0))
        next_one = asyncio.create_task(client._acquire(5.0, 1.0))
        await asyncio.sleep(0.01)  # both queued
        client._release(held, True)  # wakes the first in the queue...
        woken.cancel()  # ...which leaves before it runs
        with pytest.raises(asyncio.CancelledError):
            await woken
        connection = await next_one  # NotSent (pool timeout) if the wake-up was lost
        assert connection is held
        client._release(connection, False)
    finally:
        await client.close()
        server.close()
