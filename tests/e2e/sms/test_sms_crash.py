"""An alert to Telegram groups and an SMS subscriber when the bot *process* is killed (SIGKILL)
while the SMS is in flight (SPEC §12, issue 18): the copy in flight becomes uncertain and is not
sent again by itself; the officer's re-send reuses the delivery row's id, which the phone refuses
as a duplicate; every group and the phone get the alert exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable

from sqlalchemy import select

from bot.config import load_config
from emulators.sms import FakeSmsGateway
from storage.db import open_database
from storage.schema import deliveries
from tests.e2e.bulletin_steps import group_copies, linked_groups
from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import bot_process
from tests.e2e.sms.conftest import (
    NUMBER,
    answer_to,
    free_port,
    press_and_wait_for_edit,
    sms_config,
    sms_environ,
)


async def test_a_kill_while_an_sms_is_in_flight_sends_it_once_and_the_groups_once(
        fake, people, tmp_path, clock, gateway: FakeSmsGateway):
    config_path = write_e2e_config(tmp_path, fake, people)
    with config_path.open("a", encoding="utf-8") as config_file:
        config_file.write(sms_config(gateway, free_port()))
    environ = {**sms_environ(gateway), "BOT_SECRET_KEY": "k" * 48}
    config = load_config(config_path, {"BOT_TOKEN": fake.token, **environ})
    officer = people.officer
    async with bot_process(config_path, fake.token, tmp_path, name="first",
                           extra_env=environ) as first:
        await fake.wait_for_call("getUpdates", timeout=30)
        db = open_database(config.storage_url)
        try:
            chats = await linked_groups(fake, db, "TT-TANTHANH", 2, clock)
        finally:
            await db.close()
        added = await answer_to(fake, officer, "/sms add 0901234567 TT-TANTHANH")
        assert "09xx xxx 567" in added["text"], added["text"]
        # The phone takes the SMS and answers late: the bot dies waiting for the answer.
        gateway.answer_next_send_late(30.0)
        question = await answer_to(fake, officer, "/khancap Cháy lớn ở chợ, tránh xa khu vực")
        assert "tin SMS" in question["text"], question["text"]
        await press_and_wait_for_edit(fake, officer, question, "al:ok")
        await fake.wait_until(lambda: gateway.post_attempts == 1, timeout=30,
                              what="the SMS request")
        await _until(config.storage_url, lambda states: sorted(states) == [
            "sending", "sent", "sent"])
        os.kill(first.process.pid, signal.SIGKILL)
        await first.process.wait()

    async with bot_process(config_path, fake.token, tmp_path, name="second",
                           extra_env=environ) as second:
        notice = await fake.wait_for_message(
            officer.id, lambda m: "không chắc" in m.get("text", ""), timeout=30)
        assert "1 người nhận SMS" in notice["text"], notice["text"]
        assert sorted(await _states(config.storage_url)) == ["sent", "sent", "uncertain"]
        resend = notice["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        fake.press_button(officer, notice, resend)
        # An SMS costs money again: its count and cost first, then the officer confirms.
        question = await fake.wait_for_message(
            officer.id, lambda m: "Gửi lại ngay" in m.get("text", ""), timeout=30)
        assert "Sẽ gửi 1 tin SMS" in question["text"], question["text"]
        assert gateway.post_attempts == 1  # nothing re-sent before the confirmation
        fake.press_button(officer, question,
                          question["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
        await fake.wait_until(lambda: gateway.post_attempts == 2, timeout=30,
                              what="the officer's re-send")
        await _until(config.storage_url, lambda states: sorted(states) == ["sent"] * 3)
        assert await second.stop() == 0, second.log()[-3000:]

    # The re-send carried the same id, so the phone kept the one SMS it had.
    assert len(gateway.sms_to(NUMBER)) == 1
    assert [group_copies(fake, chat.id) for chat in chats] == [1, 1]


async def _states(storage_url: str) -> list[str]:
    db = open_database(storage_url)
    try:
        async with db.reading() as conn:
            return [row.status for row in await conn.execute(select(deliveries.c.status))]
    finally:
        await db.close()


async def _until(storage_url: str, condition: Callable[[list[str]], bool]) -> None:
    """Until the delivery rows are in the states asked for (each look is a query)."""
    for _ in range(600):
        if condition(await _states(storage_url)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"delivery rows never reached the state asked for: "
                         f"{await _states(storage_url)}")
