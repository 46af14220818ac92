"""Bot processes in webhook mode, and Telegram POSTing to them through the emulator: shared by
the webhook inbox end-to-end tests. The emulator plays Telegram and the TLS reverse proxy
(``emulators.telegram.webhook_push``): a test names which process's port the proxy sends to."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from storage.db import open_database
from storage.schema import telegram_inbox
from storage.tips_tables import tips
from tests.e2e.ops_process import RECHECK, STARTUP_TIMEOUT

SECRET = "webhook-secret_0123456789"
PUBLIC_URL = "https://bot.example.vn/tg/hook"
SECRET_KEY_ENV = {"BOT_SECRET_KEY": "k" * 48}


def with_webhook(config: Path, base_url: str, port: int) -> Path:
    text = config.read_text(encoding="utf-8")
    anchor = f'api_base_url = "{base_url}"'
    assert anchor in text
    config.write_text(text.replace(anchor, (
        f'{anchor}\nmode = "webhook"\nwebhook_url = "{PUBLIC_URL}"\n'
        f'webhook_listen = "127.0.0.1"\nwebhook_port = {port}\n'), 1), encoding="utf-8")
    return config


def webhook_env() -> dict[str, str]:
    return {"BOT_WEBHOOK_SECRET": SECRET, **SECRET_KEY_ENV}


def hook_of(port: int) -> str:
    return f"http://127.0.0.1:{port}/tg/hook"


def kill_on_first_answer(pid: int, answered: list[int]):
    """An ``on_answered`` hook: SIGKILL ``pid`` the moment its first 200 arrives."""

    def on_answered(update: dict[str, Any], _status: int) -> None:
        if not answered:
            os.kill(pid, signal.SIGKILL)
        answered.append(update["update_id"])

    return on_answered


async def inbox_and_tips(storage_url: str) -> tuple[dict[str, int], int, int]:
    """(inbox rows by state, rows still holding a payload, tips filed)."""
    db = open_database(storage_url)
    try:
        async with db.reading() as conn:
            states = dict((await conn.execute(
                select(telegram_inbox.c.state, func.count()).group_by(telegram_inbox.c.state)
            )).all())
            with_payload = (await conn.execute(select(func.count()).select_from(telegram_inbox)
                            .where(telegram_inbox.c.payload.is_not(None)))).scalar_one()
            tip_count = (await conn.execute(select(func.count()).select_from(tips))).scalar_one()
    finally:
        await db.close()
    return states, with_payload, tip_count


async def inbox_when(storage_url: str, condition, what: str) -> tuple[dict[str, int], int, int]:
    """``inbox_and_tips`` once ``condition(states, with_payload, tips)`` holds: a row is marked
    done just after its handler's last message, so a test that saw the message looks again."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT
    while True:
        seen = await inbox_and_tips(storage_url)
        if condition(*seen):
            return seen
        if loop.time() > deadline:
            raise AssertionError(f"waiting for {what}: last seen {seen!r}")
        await asyncio.sleep(RECHECK)
