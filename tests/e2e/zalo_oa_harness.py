"""The real bot with ``[zalo_oa]`` configured: the Telegram emulator for staff, the Zalo OA
emulator for residents, both over real HTTP on 127.0.0.1, and the bot's own Zalo webhook server
receiving the emulator's signed events. The emulator's clock is set to the bot's (a
``ManualClock``), so the webhook's freshness check and Zalo's reply window agree."""

from __future__ import annotations

import io
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.config import load_config
from bot.logging import configure_logging
from bot.runtime import RunningBot, start_bot
from core.clock import ManualClock
from emulators.telegram import FakeTelegramAPI
from emulators.zalo_oa import FakeZaloOA
from emulators.zalo_oa.world import ZaloUser
from tests.e2e.conftest import People, write_e2e_config

ZALO_TABLE = """
[zalo_oa]
oa_id = "{oa_id}"
app_id = "{app_id}"
api_base_url = "{base_url}"
oauth_base_url = "{base_url}"
webhook_port = {port}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def zalo_environ(zalo: FakeZaloOA, refresh_token: str) -> dict[str, str]:
    return {"ZALO_APP_SECRET": zalo.app_secret, "ZALO_OA_SECRET": zalo.oa_secret,
            "ZALO_REFRESH_TOKEN": refresh_token}


@dataclass
class ZaloHarness:
    fake: FakeTelegramAPI
    zalo: FakeZaloOA
    bot: RunningBot
    people: People
    logs: io.StringIO
    config_path: Path
    clock: ManualClock
    environ: dict[str, str] = field(default_factory=dict)

    async def restart(self) -> None:
        """Stop the bot and start it again on the same data, before the same Zalo (after a
        crash: ``bot.bulletins.desk.engine.abort()`` first, so nothing more is written)."""
        await self.bot.stop()
        config = load_config(self.config_path, {"BOT_TOKEN": self.fake.token, **self.environ})
        self.bot = await start_bot(config, self.fake.token, self.clock, poll_timeout=1,
                                   environ=self.environ)

    def advance(self, delta: timedelta) -> None:
        """Time passes for the bot and for Zalo alike."""
        self.clock.advance(delta)
        self.zalo.advance(delta.total_seconds())

    async def writes(self, user: ZaloUser, text: str) -> list[dict[str, Any]]:
        """``user`` writes ``text`` to the OA; the OA's answers to it (the webhook answers Zalo
        once the event was handled, so they have been sent by then)."""
        before = len(self.zalo.sent_to(user.chat))
        response = await self.zalo.user_sends_text(user, text)
        assert response is not None and response.status_code == 200
        return [sent.message for sent in self.zalo.sent_to(user.chat)[before:]]

    async def sends_location(self, user: ZaloUser, latitude: float, longitude: float
                             ) -> list[dict[str, Any]]:
        before = len(self.zalo.sent_to(user.chat))
        response = await self.zalo.user_sends_location(user, latitude, longitude)
        assert response is not None and response.status_code == 200
        return [sent.message for sent in self.zalo.sent_to(user.chat)[before:]]


def button_titles(message: dict[str, Any]) -> list[str]:
    payload = (message.get("attachment") or {}).get("payload") or {}
    return [button["title"] for button in payload.get("buttons", [])]


def button_payloads(message: dict[str, Any]) -> list[str]:
    payload = (message.get("attachment") or {}).get("payload") or {}
    return [button["payload"] for button in payload.get("buttons", [])
            if button["type"] == "oa.query.hide"]


@asynccontextmanager
async def bot_with_zalo(fake: FakeTelegramAPI, people: People, tmp_path: Path,
                        clock: ManualClock, storage_url: str | None, *,
                        refresh_token: str | None = None,
                        more_config: Callable[[FakeZaloOA], str] | None = None,
                        ) -> AsyncIterator[ZaloHarness]:
    """``more_config``: TOML appended to the config (after ``[zalo_oa]``), written once the
    emulator exists (a ``[[staff]]`` entry with the ``zalo_user_id`` of one of its users)."""
    zalo = FakeZaloOA()
    await zalo.start()
    zalo.advance(clock.now().timestamp() - time.time())
    path = write_e2e_config(tmp_path, fake, people, storage_url)
    port = free_port()
    with path.open("a", encoding="utf-8") as config_file:
        config_file.write(ZALO_TABLE.format(oa_id=zalo.oa_id, app_id=zalo.app_id,
                                            base_url=zalo.base_url, port=port))
        if more_config is not None:
            config_file.write(more_config(zalo))
    environ = zalo_environ(zalo, refresh_token or zalo.first_refresh_token())
    config = load_config(path, {"BOT_TOKEN": fake.token, **environ})
    logs = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    configure_logging("DEBUG", secrets=[fake.token, *environ.values()], stream=logs)
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=environ)
    zalo.webhook_url = f"http://127.0.0.1:{port}/zalo/webhook"
    harness = ZaloHarness(fake, zalo, running, people, logs, path, clock, environ)
    try:
        yield harness
    finally:
        await running.stop()
        await harness.bot.stop()  # the one a restart started (stopping twice does nothing)
        await zalo.stop()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
    assert not zalo.internal_errors, zalo.internal_errors
