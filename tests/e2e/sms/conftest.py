"""The real bot with ``[sms]`` configured: the Telegram emulator and the SMS Gateway for Android
emulator, both over real HTTP on 127.0.0.1, and the bot's SMS webhook receiver registered on
the emulated phone."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import load_config
from bot.runtime import start_bot
from emulators.sms import FakeSmsGateway
from tests.e2e.conftest import Harness, write_e2e_config
from tests.e2e.log_watch import product_logs

NUMBER = "+84901234567"
# Every way the number could show: as typed, national, international, provider form.
CLEAR_FORMS = ("0901234567", "901234567", "84901234567", "090 123 4567", "123 4567")


def sms_config(gateway: FakeSmsGateway, webhook_port: int, *, max_segments: int = 2,
               monthly_budget_vnd: int = 2_000_000) -> str:
    return f"""
[sms]
provider = "android_gateway"
api_base_url = "{gateway.base_url}"
webhook_listen = "127.0.0.1"
webhook_port = {webhook_port}
webhook_path = "/sms/webhook"
price_vnd = 500
monthly_budget_vnd = {monthly_budget_vnd}
max_segments = {max_segments}
"""


def sms_environ(gateway: FakeSmsGateway) -> dict[str, str]:
    return {"SMS_GATEWAY_USER": gateway.username, "SMS_GATEWAY_PASSWORD": gateway.password,
            "SMS_WEBHOOK_SIGNING_KEY": gateway.signing_key}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmsHarness:
    chat: Harness
    gateway: FakeSmsGateway
    environ: dict[str, str]

    async def text(self, sender: str, words: str) -> list[int]:
        """A person texts the gateway phone; stamped with the bot's (manual) clock, which the
        receiver checks the webhook's timestamp against."""
        return await self.gateway.text_from(
            sender, words, timestamp=int(self.chat.clock.now().timestamp()))

    def texts_to(self, number: str = NUMBER) -> list[str]:
        return [sms.text for sms in self.gateway.sms_to(number)]


@pytest.fixture
async def gateway() -> AsyncIterator[FakeSmsGateway]:
    phone = FakeSmsGateway()
    await phone.start()
    yield phone
    await phone.stop()
    assert not phone.internal_errors, phone.internal_errors


@pytest.fixture
def sms_budget_vnd() -> int:
    """``sms.monthly_budget_vnd`` of the test bot (a test module may override this fixture)."""
    return 2_000_000


@pytest.fixture
async def sms_harness(fake, people, tmp_path, clock, e2e_storage_url, gateway,
                      sms_budget_vnd) -> AsyncIterator[SmsHarness]:
    path = write_e2e_config(tmp_path, fake, people, e2e_storage_url)
    extra = sms_config(gateway, free_port(), monthly_budget_vnd=sms_budget_vnd)
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    environ = {"BOT_SECRET_KEY": "s" * 40, **sms_environ(gateway)}
    config = load_config(path, {"BOT_TOKEN": fake.token, **environ})
    async with product_logs(fake.token) as logs:
        running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=environ)
        assert running.sms is not None and running.sms.receiver is not None
        gateway.add_webhook(running.sms.receiver.url)
        chat = Harness(fake, running, people, logs, path, clock)
        try:
            yield SmsHarness(chat, gateway, environ)
        finally:
            await chat.bot.stop()


async def assert_no_number_stored_or_logged(harness: SmsHarness, data: Path) -> None:
    log = harness.chat.logs.getvalue()
    assert log, "the DEBUG log is empty: the check below would prove nothing"
    for form in CLEAR_FORMS:
        assert form not in log, form
    if harness.chat.bot.services.db.dialect == "sqlite":  # the file and its write-ahead log
        raw = await asyncio.to_thread(_bytes_under, data)
        assert b"sms_subscribers" in raw
        for form in CLEAR_FORMS:
            assert form.encode() not in raw, form


def _bytes_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


async def answer_to(fake, user, text: str) -> dict:
    """Send ``text`` as ``user``; the bot's next message in that chat, whole (buttons too)."""
    before = len(fake.sent_messages(user.id))
    fake.send_message(user, text)
    await fake.wait_for_message(user.id, lambda m: len(fake.sent_messages(user.id)) > before)
    return fake.sent_messages(user.id)[before]


async def press_and_wait_for_edit(fake, user, message: dict, data: str) -> str:
    """Press ``data`` under ``message``; its text once the bot has changed it."""
    chat_id, message_id, before = message["chat"]["id"], message["message_id"], message["text"]

    def changed() -> str | None:
        current = fake.world.message(chat_id, message_id) or {}
        return current.get("text") if current.get("text") != before else None

    fake.press_button(user, message, data)
    await fake.wait_until(lambda: changed() is not None, timeout=10, what="the edited message")
    return changed() or ""


async def confirmed_alert(chat, text: str) -> str:
    """The officer's ``/khancap text`` reaches SMS subscribers: the SMS cost is asked (SPEC
    §13) and Confirm pressed. Returns the question's text."""
    officer = chat.people.officer
    question = await answer_to(chat.fake, officer, f"/khancap {text}")
    assert "tin SMS" in question["text"], question["text"]
    await press_and_wait_for_edit(chat.fake, officer, question, "al:ok")
    return question["text"]
