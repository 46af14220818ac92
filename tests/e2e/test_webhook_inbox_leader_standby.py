"""Two ``python -m bot run`` processes in webhook mode on one PostgreSQL database (SPEC §14):
both accept Telegram's POSTs, only the leader handles them. A process SIGKILLed the moment it
answered 200 loses nothing: the standby's accepted update is handled by the leader, and the
updates a dead leader never got to are handled by the next one; every tip is filed once."""

from __future__ import annotations

import asyncio
import os
import signal
from contextlib import AsyncExitStack

import pytest

from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import bot_process, get_when, with_ops_listen
from tests.e2e.tip_steps import CODE, file_guided_tip
from tests.e2e.webhook_process import (
    hook_of,
    inbox_when,
    kill_on_first_answer,
    webhook_env,
    with_webhook,
)

pytestmark = pytest.mark.postgresql


def _role(response) -> str | None:
    return response.json()["role"] if response.status_code == 200 else None


async def _receipt(fake, resident, before: int) -> str:
    await fake.wait_for_message(
        resident.id, lambda _m: len(fake.sent_messages(resident.id)) > before, timeout=60)
    match = CODE.search(fake.sent_messages(resident.id)[before]["text"])
    assert match, fake.sent_messages(resident.id)[before]["text"]
    return match.group(0)


async def test_no_update_answered_200_is_lost_when_a_process_dies(
        fake, people, tmp_path, pg_url, unused_tcp_port_factory):
    hooks = [unused_tcp_port_factory(), unused_tcp_port_factory()]
    ops = [unused_tcp_port_factory(), unused_tcp_port_factory()]
    folders = [tmp_path / "a", tmp_path / "b"]
    configs = []
    for folder, hook, ops_port in zip(folders, hooks, ops, strict=True):
        folder.mkdir()
        configs.append(with_ops_listen(with_webhook(
            write_e2e_config(folder, fake, people, pg_url), fake.base_url, hook), ops_port))
    resident = people.resident
    async with AsyncExitStack() as stack:
        leader = await stack.enter_async_context(
            bot_process(configs[0], fake.token, folders[0], name="a", extra_env=webhook_env()))
        await get_when(f"http://127.0.0.1:{ops[0]}/healthz", lambda r: _role(r) == "leader",
                       "the first process to lead")
        await fake.wait_for_call("setWebhook", timeout=30)
        standby = await stack.enter_async_context(
            bot_process(configs[1], fake.token, folders[1], name="b", extra_env=webhook_env()))
        await get_when(f"http://127.0.0.1:{ops[1]}/healthz", lambda r: _role(r) == "standby",
                       "the second to wait")
        assert len(fake.calls_to("setWebhook")) == 1  # a standby tells Telegram nothing
        fake.webhook_pusher.push_to(hook_of(hooks[0]))
        first_code = await file_guided_tip(fake, resident)  # the unit is remembered now

        # The proxy sends to the standby, which is killed the moment it answers 200.
        answered: list[int] = []
        fake.webhook_pusher.push_to(hook_of(hooks[1]),
                                    kill_on_first_answer(standby.process.pid, answered))
        before = len(fake.sent_messages(resident.id))
        fake.send_message(resident, "/tip Xe máy biển số 59X1-23456 bỏ lại ở bãi đất trống")
        assert await asyncio.wait_for(standby.process.wait(), timeout=60) == -signal.SIGKILL
        second_code = await _receipt(fake, resident, before)  # the leader handled it

        # The leader freezes (it still holds the lock), a new standby answers one POST and is
        # killed; then the frozen leader is killed too: nothing has handled that update yet.
        standby = await stack.enter_async_context(
            bot_process(configs[1], fake.token, folders[1], name="b2", extra_env=webhook_env()))
        await get_when(f"http://127.0.0.1:{ops[1]}/healthz", lambda r: _role(r) == "standby",
                       "the new standby to wait")
        os.kill(leader.process.pid, signal.SIGSTOP)
        answered.clear()
        fake.webhook_pusher.push_to(hook_of(hooks[1]),
                                    kill_on_first_answer(standby.process.pid, answered))
        before = len(fake.sent_messages(resident.id))
        fake.send_message(resident, "/tip Có người lạ đi xem từng nhà trong hẻm 9")
        assert await asyncio.wait_for(standby.process.wait(), timeout=60) == -signal.SIGKILL
        os.kill(leader.process.pid, signal.SIGKILL)
        await leader.process.wait()
        assert fake.sent_messages(resident.id)[before:] == []

        successor = await stack.enter_async_context(
            bot_process(configs[1], fake.token, folders[1], name="c", extra_env=webhook_env()))
        fake.webhook_pusher.push_to(hook_of(hooks[1]))
        third_code = await _receipt(fake, resident, before)
        _states, with_payload, tip_count = await inbox_when(
            pg_url, lambda states, _payloads, _tips: set(states) == {"done"}, "every update done")
        assert tip_count == 3 and with_payload == 0
        assert len({first_code, second_code, third_code}) == 3
        receipts = [m for m in fake.sent_messages(resident.id) if CODE.search(m.get("text", ""))]
        assert len(receipts) == 3  # each tip's receipt once
        assert await successor.stop() == 0, successor.log()[-3000:]
