"""A province whose communes have no officer of their own: its one officer stands in for all of
them, so every per-commune staff notice (a dry queue, a week below target) goes to one private
chat, more of them than Telegram's burst of three. Shared by the end-to-end tests of those
notices, which run it against the fake Bot API enforcing the flood limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.config import load_config
from bot.runtime import RunningBot, start_bot
from channels.telegram_addresses import address_of_chat
from core.clock import ManualClock
from core.config_model import Config
from emulators.telegram import FakeTelegramAPI, FakeUser
from storage import groups as group_store
from storage.db import Database
from tests.e2e.conftest import BOT_ENV, CONFIG

COMMUNES = [f"XA-{n}" for n in range(1, 6)]  # more than a private chat's burst of three


class Crash(BaseException):
    """The process dies here: nothing after it runs, no ``except Exception`` catches it."""


def _province_config(tmp_path: Path, fake: FakeTelegramAPI, officer_id: int, admin_id: int,
                    storage_url: str | None) -> Path:
    units = '[[units]]\ncode = "TINH"\nname = "Tỉnh thử"\n' + "".join(
        f'[[units]]\ncode = "{code}"\nname = "Xã {code}"\nparent = "TINH"\n'
        for code in COMMUNES)
    staff = (f'[[staff]]\ntelegram_id = {officer_id}\nrole = "officer"\nunit = "TINH"\n'
             f'[[staff]]\ntelegram_id = {admin_id}\nrole = "admin"\nunit = "TINH"\n')
    storage = f'[storage]\nurl = "{storage_url}"\n\n' if storage_url else ""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(base_url=fake.base_url, units_and_staff=storage + units + staff),
                    encoding="utf-8")
    return path


@dataclass
class ProvinceBot:
    """The province's config and its officer; each :meth:`running` is a process on the same
    data."""

    fake: FakeTelegramAPI
    officer: FakeUser
    config: Config
    clock: ManualClock

    @asynccontextmanager
    async def running(self) -> AsyncIterator[RunningBot]:
        """One process of the bot, stopped at the end of the block (a crash inside included)."""
        bot = await start_bot(self.config, self.fake.token, self.clock, poll_timeout=1,
                              environ=BOT_ENV)
        try:
            yield bot
        finally:
            await bot.stop()

    async def link_groups(self, db: Database, communes: list[str] = COMMUNES) -> None:
        """A group of twelve linked to each of ``communes``."""
        async with db.transaction() as conn:
            for code in communes:
                chat = self.fake.group(f"Tổ {code}", members=12)
                await group_store.link_group(conn, address_of_chat(chat.id), chat.title, code,
                                             address_of_chat(1), self.clock.now())


def province_bot(fake: FakeTelegramAPI, tmp_path: Path, clock: ManualClock,
                 storage_url: str | None) -> ProvinceBot:
    officer, admin = fake.user("Cán bộ tỉnh"), fake.user("Quản trị")
    path = _province_config(tmp_path, fake, officer.id, admin.id, storage_url)
    return ProvinceBot(fake, officer, load_config(path, {"BOT_TOKEN": fake.token}), clock)
