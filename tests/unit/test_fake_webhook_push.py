"""The fake Bot API POSTs updates to a webhook as Telegram does: with the secret token set by
setWebhook, one update at a time, again until an answer is 2xx, and only then confirmed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import telegram
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from emulators.telegram import FakeTelegramAPI


class _Receiver(RequestHandler):
    def initialize(self, seen: list[tuple[str, int]], answers: list[int]) -> None:
        self.seen, self.answers = seen, answers

    def post(self) -> None:
        update = json.loads(self.request.body)
        self.seen.append((self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""),
                          update["update_id"]))
        self.set_status(self.answers.pop(0) if self.answers else 200)
        self.finish()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    api = FakeTelegramAPI()
    await api.start()
    yield api
    await api.stop()


async def test_an_update_is_posted_with_the_secret_until_answered_2xx(fake,
                                                                      unused_tcp_port):
    seen: list[tuple[str, int]] = []
    server = HTTPServer(Application([(r"/hook", _Receiver,
                                      {"seen": seen, "answers": [500, 503]})]))
    server.listen(unused_tcp_port, address="127.0.0.1")
    try:
        async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
            await bot.set_webhook("https://bot.example.vn/hook", secret_token="s3cret")
            confirmed: list[int] = []
            fake.webhook_pusher.push_to(f"http://127.0.0.1:{unused_tcp_port}/hook",
                                        lambda update, _status: confirmed.append(
                                            update["update_id"]))
            fake.send_message(fake.user("Lan"), "xin chào")
            update_id = fake.world.updates.enqueued[-1]["update_id"]
            await fake.wait_until(lambda: fake.world.updates.all_acknowledged, timeout=10,
                                  what="the update confirmed")
            info = await bot.get_webhook_info()
    finally:
        server.stop()
    assert seen == [("s3cret", update_id)] * 3
    assert confirmed == [update_id]
    assert info.pending_update_count == 0
