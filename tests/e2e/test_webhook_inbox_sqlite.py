"""The webhook inbox with one process on SQLite (SPEC §14): an update answered 200 survives the
process's SIGKILL and is handled once after the restart; an update that was being handled when
the process died is reported uncertain and never handled again (its tip is not filed twice);
the database file holds no tipster id or name in clear."""

from __future__ import annotations

import asyncio
import signal

from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import bot_process, get_when, sample, with_ops_listen
from tests.e2e.tip_steps import CODE, file_guided_tip
from tests.e2e.webhook_process import (
    hook_of,
    inbox_and_tips,
    inbox_when,
    kill_on_first_answer,
    webhook_env,
    with_webhook,
)


async def test_an_update_answered_200_survives_a_sigkill_and_is_handled_once(
        fake, people, tmp_path, unused_tcp_port_factory):
    hook_port, ops_port = unused_tcp_port_factory(), unused_tcp_port_factory()
    config = with_ops_listen(with_webhook(write_e2e_config(tmp_path, fake, people),
                                          fake.base_url, hook_port), ops_port)
    storage_url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}"
    resident = people.resident
    async with bot_process(config, fake.token, tmp_path, name="first",
                           extra_env=webhook_env()) as first:
        await fake.wait_for_call("setWebhook", timeout=30)
        fake.webhook_pusher.push_to(hook_of(hook_port))
        await file_guided_tip(fake, resident)  # every step through the inbox
        assert await first.stop() == 0, first.log()[-3000:]

    # The next process dies while starting (its getMe hangs) after answering one POST: the
    # door was open, the bot not yet started, so the update waits in the inbox.
    fake.inject_delay("getMe", 60.0)
    answered: list[int] = []
    asked = len(fake.calls_to("getMe"))
    async with bot_process(config, fake.token, tmp_path, name="second",
                           extra_env=webhook_env()) as second:
        await fake.wait_until(lambda: len(fake.calls_to("getMe")) > asked, timeout=60,
                              what="the second process to hang on getMe")
        fake.webhook_pusher.push_to(hook_of(hook_port),
                                    kill_on_first_answer(second.process.pid, answered))
        before = len(fake.sent_messages(resident.id))
        fake.send_message(resident, "/tip Xe máy biển số 59X1-23456 bỏ lại ở bãi đất trống")
        assert await asyncio.wait_for(second.process.wait(), timeout=60) == -signal.SIGKILL
    assert len(answered) == 1
    assert fake.sent_messages(resident.id)[before:] == []  # nothing handled before the kill

    async with bot_process(config, fake.token, tmp_path, name="third",
                           extra_env=webhook_env()) as third:
        fake.webhook_pusher.push_to(hook_of(hook_port))
        await fake.wait_for_message(
            resident.id, lambda _m: len(fake.sent_messages(resident.id)) > before, timeout=60)
        receipt = fake.sent_messages(resident.id)[before]
        assert CODE.search(receipt["text"]), receipt["text"]
        states, with_payload, tip_count = await inbox_when(
            storage_url, lambda states, _payloads, _tips: set(states) == {"done"},
            "every update done")
        assert tip_count == 2 and with_payload == 0

        # The next update is being handled (its receipt hangs) when the process is killed.
        def receipts_asked() -> int:
            return sum(1 for c in fake.calls_to("sendMessage")
                       if str(c.params.get("chat_id")) == str(resident.id)
                       and "TIP-" in str(c.params.get("text")))

        asked = receipts_asked()
        fake.inject_delay("sendMessage", 60.0, times=3)
        fake.send_message(resident, "/tip Có người lạ đi xem từng nhà trong hẻm 9")
        await fake.wait_until(lambda: receipts_asked() > asked, timeout=30,
                              what="the receipt to be asked for (and hang)")
        states, _, tip_count = await inbox_when(
            storage_url, lambda states, _payloads, _tips: "taken" in states, "the row taken")
        assert states.get("taken") == 1 and tip_count == 3, states
        third.process.kill()
        await third.process.wait()

    async with bot_process(config, fake.token, tmp_path, name="fourth",
                           extra_env=webhook_env()) as fourth:
        metrics = await get_when(
            f"http://127.0.0.1:{ops_port}/metrics",
            lambda r: sample(r.text, "kna_inbox_updates_uncertain_total") == 1,
            "the update cut short reported uncertain")
        assert sample(metrics.text, "kna_leader") == 1
        assert sample(metrics.text, "kna_webhook_inbox", state="uncertain") == 1
        states, with_payload, tip_count = await inbox_and_tips(storage_url)
        assert tip_count == 3  # filed once, never again
        assert states.get("uncertain") == 1 and with_payload == 0, states
        assert await fourth.stop() == 0, fourth.log()[-3000:]

    stored = b"".join(path.read_bytes() for path in (tmp_path / "data").glob("bot.db*"))
    for identifier in (str(resident.id), "Khuê", "Nguyễn Thị Dân", "dan_cu_bimat"):
        assert identifier.encode() not in stored, identifier
