"""The real bot with ``[zalo_bot]`` configured: staff on the Telegram emulator, residents on the
Zalo Bot emulator (``emulators.zalo_bot``), both over real HTTP on 127.0.0.1. In ``polling``
mode the bot long-polls the emulator's ``getUpdates``; in ``webhook`` mode it serves the webhook
and calls ``setWebhook`` at start, and the emulator posts each update with the secret token."""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.config import load_config
from bot.logging import configure_logging
from bot.runtime import RunningBot, start_bot
from core.clock import ManualClock
from emulators.telegram import FakeTelegramAPI
from emulators.zalo_bot import FakeZaloBot, ZaloBotUser
from tests.e2e.conftest import People, write_e2e_config

WEBHOOK_SECRET = "emulated-webhook-secret-0001"
POLLING_TABLE = """
[zalo_bot]
api_base_url = "{base_url}"
mode = "polling"
"""
WEBHOOK_TABLE = """
[zalo_bot]
api_base_url = "{base_url}"
mode = "webhook"
webhook_url = "http://127.0.0.1:{port}/zalo-bot/webhook"
webhook_port = {port}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ZaloBotHarness:
    fake: FakeTelegramAPI
    zalo: FakeZaloBot
    bot: RunningBot
    people: People
    logs: io.StringIO
    config_path: Path

    async def writes(self, user: ZaloBotUser, text: str, *, answers: int = 1,
                     message_id: str | None = None) -> list[str]:
        """``user`` writes ``text`` to the bot; the texts of the bot's next ``answers``
        messages to them."""
        before = len(self.zalo.sent_to(user.id))
        response = await self.zalo.user_sends_text(user, text, message_id=message_id)
        assert response is None or response.status_code == 200
        sent = await self.zalo.wait_until_sent(user.id, before + answers)
        return [str(message.body.get("text", "")) for message in sent[before:]]


@asynccontextmanager
async def bot_with_zalo_bot(fake: FakeTelegramAPI, zalo: FakeZaloBot, people: People,
                            tmp_path: Path, clock: ManualClock, storage_url: str | None, *,
                            mode: str = "polling", token: str | None = None
                            ) -> AsyncIterator[ZaloBotHarness]:
    """The bot on ``tmp_path`` (a second use on the same folder is the same bot restarted),
    with the emulator's token unless ``token`` is given."""
    path = write_e2e_config(tmp_path, fake, people, storage_url)
    table = POLLING_TABLE if mode == "polling" else WEBHOOK_TABLE
    with path.open("a", encoding="utf-8") as config_file:
        config_file.write(table.format(base_url=zalo.base_url, port=free_port()))
    environ = {"ZALO_BOT_TOKEN": token or zalo.token, "ZALO_BOT_WEBHOOK_SECRET": WEBHOOK_SECRET}
    config = load_config(path, {"BOT_TOKEN": fake.token, **environ})
    logs = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    configure_logging("DEBUG", secrets=[fake.token, *environ.values()], stream=logs)
    polls = zalo.polls
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=environ)
    try:
        # Listening before the test writes (and a restarted bot's old poll has ended).
        if mode == "polling" and running.zalo_bot is not None:
            await zalo.wait_until_polled(polls + 1)
        yield ZaloBotHarness(fake, zalo, running, people, logs, path)
    finally:
        await running.stop()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
    assert not zalo.internal_errors, zalo.internal_errors
