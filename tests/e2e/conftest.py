"""End-to-end fixtures: the real bot (storage, directory, PTB Application, handlers, jobs)
polling a fake Bot API over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import load_config
from bot.runtime import RunningBot, start_bot
from core.clock import ManualClock
from emulators.telegram import FakeTelegramAPI, FakeUser
from tests.conftest import UNITS_AND_STAFF
from tests.e2e.log_watch import product_logs
from tests.fresh_database import fresh_pg_database, fresh_storage_url

SETTLE_TIMEOUT = 5.0
SETTLE_RECHECK = 0.02
# The mark of a test whose fake Bot API enforces Telegram's flood limits (``fake`` below).
FLOOD_LIMITS = "telegram_flood_limits"

# No BOT_SECRET_KEY: the bot makes its 0600 key file in data/, as on a first real run.
BOT_ENV: dict[str, str] = {}

CONFIG = """
[bot]
language = "vi"
timezone = "Asia/Ho_Chi_Minh"
log_level = "DEBUG"

[telegram]
api_base_url = "{base_url}"

[tips]
max_per_hour = 3
max_per_day = 5

{units_and_staff}"""


@dataclass
class People:
    admin: FakeUser
    officer: FakeUser
    other_officer: FakeUser
    editor: FakeUser
    resident: FakeUser


@dataclass
class Harness:
    fake: FakeTelegramAPI
    bot: RunningBot
    people: People
    logs: io.StringIO
    config_path: Path
    clock: ManualClock

    async def settle(self) -> None:
        """Until every update sent so far has been handled. Updates of different chats run
        concurrently, so a test that needs one chat's effect seen in another waits here."""
        application = self.bot.application
        processor = application.update_processor

        def idle() -> bool:
            return (not self.fake.pending_updates() and application.update_queue.empty()
                    and processor.current_concurrent_updates == 0)

        # The bot's own queue signals nothing: after its last handler returns the emulator may
        # not change again until the held long poll ends (a second), so re-check often too.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT
        while not idle():
            if loop.time() > deadline:
                await self.fake.wait_until(idle, timeout=0.0, what="the bot to be idle")
            await self.fake.world.changed.wait_for(lambda: True if idle() else None,
                                                   SETTLE_RECHECK)

    async def restart(self) -> None:
        """Stop the bot and start it again on the same data: what a crash-and-restart keeps."""
        await self.bot.stop()
        config = load_config(self.config_path, {"BOT_TOKEN": self.fake.token})
        self.bot = await start_bot(config, self.fake.token, self.clock, poll_timeout=1,
                                   environ=BOT_ENV)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{FLOOD_LIMITS}: the fake Bot API enforces Telegram's flood limits")


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeTelegramAPI]:
    """The fake Bot API; under a test or module marked ``telegram_flood_limits`` it answers 429
    where Telegram would (overall, per group, per private chat: ``emulators.telegram.faults``)."""
    api = FakeTelegramAPI(rate_limits=request.node.get_closest_marker(FLOOD_LIMITS) is not None)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def people(fake: FakeTelegramAPI) -> People:
    return People(
        admin=fake.user("Lê Văn Quản", username="quan_admin"),
        officer=fake.user("Trần Thị Công", last_name="An", username="cong_an_tt"),
        other_officer=fake.user("Phạm Văn Bình", username="binh_bt"),
        editor=fake.user("Võ Thị Biên", username="bien_tap"),
        resident=fake.user("Nguyễn Thị Dân", last_name="Khuê", username="dan_cu_bimat"),
    )


def write_e2e_config(directory: Path, fake: FakeTelegramAPI, people: People,
                     storage_url: str | None = None) -> Path:
    path = directory / "config.toml"
    staff_ids = {"admin": people.admin.id, "officer": people.officer.id,
                 "other_officer": people.other_officer.id, "editor": people.editor.id}
    storage = f'[storage]\nurl = "{storage_url}"\n\n' if storage_url else ""
    path.write_text(CONFIG.format(base_url=fake.base_url,
                                  units_and_staff=storage + UNITS_AND_STAFF.format(**staff_ids)),
                    encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
async def e2e_storage_url(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """Every end-to-end test runs twice: on the default SQLite file (None), and on a fresh
    PostgreSQL database of its own on the TEST_DATABASE_URL server (without it, tests/conftest.py
    skips the PostgreSQL run before this fixture is reached)."""
    async for url in fresh_storage_url(request.param, "kna_e2e"):
        yield url


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database of the test's own, for a test marked ``postgresql`` that
    runs bot processes on it."""
    async with fresh_pg_database() as url:
        yield url


@pytest.fixture
async def harness(fake, people, tmp_path, clock, e2e_storage_url) -> AsyncIterator[Harness]:
    path = write_e2e_config(tmp_path, fake, people, e2e_storage_url)
    config = load_config(path, {"BOT_TOKEN": fake.token})
    async with product_logs(fake.token) as logs:
        running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
        harness = Harness(fake, running, people, logs, path, clock)
        try:
            yield harness
        finally:
            await harness.bot.stop()
