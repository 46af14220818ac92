"""SQLite serves one bot process (SPEC §14): a second ``python -m bot run`` on the same file is
refused with a clear message while the first runs, and starts once the first has stopped."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import bot_process


async def test_a_second_run_on_the_same_sqlite_file_is_refused(fake, people, tmp_path):
    config = write_e2e_config(tmp_path, fake, people)
    async with bot_process(config, fake.token, tmp_path, name="first") as first:
        await fake.wait_for_call("getUpdates", timeout=30)
        async with bot_process(config, fake.token, tmp_path, name="second") as second:
            # A second poller would run until stopped: give it the time a refusal takes.
            assert await asyncio.wait_for(second.process.wait(), timeout=60) == 1
        message = second.log()
        assert "Đã có một tiến trình bot khác" in message
        assert f"pid {first.process.pid}" in message
        assert str(tmp_path / "data" / "bot.db") in message
        assert first.process.returncode is None  # the first goes on, untouched
        fake.send_message(people.resident, "/start")
        await fake.wait_for_message(people.resident.id, timeout=10)
        assert await first.stop() == 0, first.log()[-3000:]
    calls_before = len(fake.calls_to("getUpdates"))
    async with bot_process(config, fake.token, tmp_path, name="third") as third:
        await fake.wait_until(lambda: len(fake.calls_to("getUpdates")) > calls_before,
                              timeout=30, what="the third process to poll")
        assert third.process.returncode is None
        assert await third.stop() == 0, third.log()[-3000:]
