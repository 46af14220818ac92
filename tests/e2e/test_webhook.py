"""Webhook mode: the bot's own HTTP server takes Telegram's POSTs, and only Telegram's.

The first tests play Telegram and the TLS proxy in front of the bot themselves, POSTing the
update the fake built to the bot's listening port with (or without) the secret token header; the
last lets the fake POST (``emulators.telegram.webhook_push``). Every POST goes through the
durable inbox (``ops.webhook_inbox``); the inbox's crash tests are test_webhook_inbox_*.py.
"""

from __future__ import annotations

import io
import logging
import socket

import httpx
import pytest

from bot.cli import _secrets_of
from bot.config import load_config
from bot.logging import configure_logging
from bot.receiving import open_webhook_inbox
from bot.runtime import start_bot
from bot.secret_key import SecretKeyError
from tests.e2e.conftest import write_e2e_config
from tests.e2e.tip_steps import CODE, button_data, file_guided_tip, press, say

SECRET = "webhook-secret_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _webhook_config(tmp_path, fake, people, port: int):
    path = write_e2e_config(tmp_path, fake, people)
    text = path.read_text(encoding="utf-8")
    anchor = f'api_base_url = "{fake.base_url}"'
    assert anchor in text
    path.write_text(text.replace(anchor, (
        f'{anchor}\nmode = "webhook"\nwebhook_url = "https://bot.example.vn/tg/hook"\n'
        f'webhook_listen = "127.0.0.1"\nwebhook_port = {port}\n'), 1), encoding="utf-8")
    env = {"BOT_TOKEN": fake.token, "BOT_WEBHOOK_SECRET": SECRET}
    return load_config(path, env), env


async def _post_pending_update(fake, port: int, secret: str) -> httpx.Response:
    update = fake.world.updates.pending[-1]
    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://127.0.0.1:{port}/tg/hook", json=update,
                                     headers={SECRET_HEADER: secret})
    fake.world.updates.acknowledge(update["update_id"] + 1)
    return response


async def test_webhook_mode_answers_telegrams_posts(fake, people, tmp_path, clock):
    port = _free_port()
    config, env = _webhook_config(tmp_path, fake, people, port)
    logs = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    # As `python -m bot run` sets it up: DEBUG logs PTB's request parameters, secret included.
    configure_logging("DEBUG", secrets=_secrets_of(config, env, fake.token), stream=logs)
    running = await start_bot(config, fake.token, clock, environ=env)
    try:
        set_webhook = fake.calls_to("setWebhook")
        assert [c.params["url"] for c in set_webhook] == ["https://bot.example.vn/tg/hook"]
        assert set_webhook[0].params["secret_token"] == SECRET
        assert fake.calls_to("getUpdates") == []

        fake.send_message(people.resident, "/start")
        response = await _post_pending_update(fake, port, SECRET)
        assert response.status_code == 200
        welcome = await fake.wait_for_message(people.resident.id, timeout=10)
        assert "Kết Nối ANTT" in welcome["text"]
    finally:
        await running.stop()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    assert "setWebhook" in logs.getvalue()
    assert SECRET not in logs.getvalue()


async def test_webhook_refuses_a_post_without_the_secret(fake, people, tmp_path, clock):
    port = _free_port()
    config, env = _webhook_config(tmp_path, fake, people, port)
    running = await start_bot(config, fake.token, clock, environ=env)
    try:
        # A forged update "from" the admin: without the secret it must change nothing.
        fake.send_message(people.admin, "/staff list")
        response = await _post_pending_update(fake, port, "guessed-secret")
        assert response.status_code == 403
        fake.send_message(people.resident, "/start")
        assert (await _post_pending_update(fake, port, SECRET)).status_code == 200
        await fake.wait_for_message(people.resident.id, timeout=10)
        assert fake.sent_messages(people.admin.id) == []
    finally:
        await running.stop()


async def test_a_process_with_another_secret_key_cannot_open_the_inbox(fake, people, tmp_path,
                                                                       clock):
    """A standby given another key would seal updates the leader cannot open: it refuses to
    start instead, as the leader itself would."""
    port = _free_port()
    config, env = _webhook_config(tmp_path, fake, people, port)
    env = {**env, "BOT_SECRET_KEY": "a" * 40}
    running = await start_bot(config, fake.token, clock, environ=env)
    try:
        fake.webhook_pusher.push_to(f"http://127.0.0.1:{port}/tg/hook")
        await file_guided_tip(fake, people.resident)
    finally:
        await running.stop()
    with pytest.raises(SecretKeyError):
        await open_webhook_inbox(config, {**env, "BOT_SECRET_KEY": "b" * 40}, clock)
    same = await open_webhook_inbox(config, env, clock)
    await same.stop()


async def test_a_burst_of_one_chat_s_updates_is_handled_in_order(fake, people, tmp_path, clock):
    """Six parts wait in the inbox (accepted while no leader ran: the door of ``python -m bot
    run`` opens before the bot starts), then the leader handles them in update order: the
    officer's copy lists them as they were written."""
    port = _free_port()
    config, env = _webhook_config(tmp_path, fake, people, port)
    resident = people.resident
    running = await start_bot(config, fake.token, clock, environ=env)
    try:
        fake.webhook_pusher.push_to(f"http://127.0.0.1:{port}/tg/hook")
        units = await say(fake, resident, "/tip")
        step = units
        if "ti:n:TT-TANTHANH" in button_data(units, "ti:"):
            await press(fake, resident, units, "ti:n:TT-TANTHANH", expect_reply=False)
            step = fake.world.message(units["chat"]["id"], units["message_id"])
        categories = await press(fake, resident, step, "ti:u:TT-TANTHANH")
        await press(fake, resident, categories, "ti:c:drugs")
    finally:
        await running.stop()
    door = await open_webhook_inbox(config, env, clock)
    try:
        before = len(fake.sent_messages(resident.id))
        parts = [f"đoạn số {n} của tin báo" for n in range(1, 7)]
        for part in parts:
            fake.send_message(resident, part)
        await fake.wait_until(lambda: fake.world.updates.all_acknowledged, timeout=30,
                              what="every part accepted by the inbox")
        assert len(fake.sent_messages(resident.id)) == before  # nobody handles them yet
        running = await start_bot(config, fake.token, clock, environ=env, inbox=door)
        try:
            await fake.wait_until(lambda: len(fake.sent_messages(resident.id)) >= before + 6,
                                  timeout=30, what="each part acknowledged")
            last = fake.sent_messages(resident.id)[-1]
            receipt = await press(fake, resident, last, "ti:s")
            code = CODE.search(receipt["text"]).group(0)
            notice = await fake.wait_for_message(
                people.officer.id, lambda m: code in (m.get("text") or ""), timeout=30)
        finally:
            await running.stop()
    finally:
        await door.stop()
    positions = [notice["text"].index(part) for part in parts]
    assert positions == sorted(positions), notice["text"]
