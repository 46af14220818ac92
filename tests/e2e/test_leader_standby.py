"""Two ``python -m bot run`` processes on one PostgreSQL database (SPEC §14): one leader that
polls and sends, one standby that does nothing but answer /healthz; when the leader is killed
the standby takes over, answers the next message and finishes a broadcast the dead leader began
(each group gets it at most once; what was in flight is reported uncertain, never re-sent). A
leader whose lock session is cut stops."""

from __future__ import annotations

import asyncio
import os
import signal
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from channels.telegram_addresses import chat_id_of
from storage.db import open_database
from storage.leader_lock import KEEPALIVE_SETTINGS
from storage.schema import deliveries, groups
from tests.e2e.bulletin_steps import compose_and_choose, linked_groups
from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import (
    BotProcess,
    bot_process,
    get_when,
    sample,
    with_ops_listen,
)
from tests.e2e.tip_steps import say
from tests.fresh_database import admin_connection

pytestmark = pytest.mark.postgresql
GROUPS = 60
# One secret key for both machines, as a deployment would share it.
SHARED_KEY = {"BOT_SECRET_KEY": "k" * 48}


def _role(response) -> str | None:
    return response.json()["role"] if response.status_code == 200 else None


@dataclass
class Machine:
    """One of the deployment's two machines: its folder, its config on the one database, the
    port of its /healthz."""

    name: str
    folder: Path
    config: Path
    port: int

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _run(self, stack: AsyncExitStack, fake) -> BotProcess:
        return await stack.enter_async_context(bot_process(
            self.config, fake.token, self.folder, name=self.name, extra_env=SHARED_KEY))

    async def lead(self, stack: AsyncExitStack, fake) -> BotProcess:
        """Started first: it polls, and says it leads."""
        process = await self._run(stack, fake)
        await fake.wait_for_call("getUpdates", timeout=30)
        await get_when(self.url("/healthz"), lambda r: _role(r) == "leader",
                       "the first process to lead")
        return process

    async def stand_by(self, stack: AsyncExitStack, fake) -> tuple[BotProcess, httpx.Response]:
        """Started second: it waits, and says so (its /healthz answer)."""
        process = await self._run(stack, fake)
        standby = await get_when(self.url("/healthz"), lambda r: _role(r) == "standby",
                                 "the second to wait")
        return process, standby


@pytest.fixture
def machines(fake, people, tmp_path, pg_url, unused_tcp_port_factory) -> tuple[Machine, Machine]:
    made = []
    for name in ("a", "b"):
        folder, port = tmp_path / name, unused_tcp_port_factory()
        folder.mkdir()
        config = with_ops_listen(write_e2e_config(folder, fake, people, pg_url), port)
        made.append(Machine(name, folder, config, port))
    return made[0], made[1]


async def test_one_leader_one_standby_and_the_standby_takes_over(fake, people, machines):
    a, b = machines
    async with AsyncExitStack() as stack:
        first = await a.lead(stack, fake)
        one_start = len(fake.calls_to("getMe"))  # what one bot's start-up asks (its two bots)
        second, standby = await b.stand_by(stack, fake)
        assert standby.json()["database"] == "ok"
        assert standby.json()["telegram"] == "unknown"  # it has not called the Bot API at all
        assert len(fake.calls_to("getMe")) == one_start  # the standby started no bot
        welcome = await say(fake, people.resident, "/start")
        assert "Kết Nối ANTT" in welcome["text"]

        os.kill(first.process.pid, signal.SIGKILL)
        await first.process.wait()
        await get_when(b.url("/healthz"), lambda r: _role(r) == "leader",
                       "the standby to take over")
        metrics = await get_when(b.url("/metrics"),
                                 lambda r: r.status_code == 200, "metrics")
        assert sample(metrics.text, "kna_leader") == 1
        assert sample(metrics.text, "kna_leader_changes_total") == 1
        again = await say(fake, people.resident, "/start")
        assert "Kết Nối ANTT" in again["text"]
        assert len(fake.calls_to("getMe")) == 2 * one_start
        assert await second.stop() == 0, second.log()[-3000:]


async def test_a_leader_whose_lock_session_is_cut_stops_sending(fake, people, tmp_path, pg_url,
                                                                free_tcp_port):
    config = with_ops_listen(write_e2e_config(tmp_path, fake, people, pg_url), free_tcp_port)
    admin = await admin_connection(pg_url)
    try:
        async with bot_process(config, fake.token, tmp_path) as bot:
            await fake.wait_for_call("getUpdates", timeout=30)
            await get_when(f"http://127.0.0.1:{free_tcp_port}/healthz",
                           lambda r: _role(r) == "leader", "the process to lead")
            cut = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = $1 AND application_name = $2",
                make_url(pg_url).database, KEEPALIVE_SETTINGS["application_name"])
            assert cut == 1
            assert await asyncio.wait_for(bot.process.wait(), timeout=60) == 1
        assert "không còn xác nhận tiến trình này giữ khóa" in bot.log()
    finally:
        await admin.close()


async def test_a_broadcast_cut_by_the_leader_s_death_is_finished_by_the_standby(
        fake, people, pg_url, clock, machines):
    a, b = machines
    async with AsyncExitStack() as stack:
        first = await a.lead(stack, fake)
        second, _ = await b.stand_by(stack, fake)
        db = open_database(pg_url)
        try:
            chats = await linked_groups(fake, db, "TT-TANTHANH", GROUPS, clock)

            def copies() -> int:
                return sum(1 for c in chats if fake.sent_messages(c.id))

            await compose_and_choose(fake, people.officer, "Cảnh báo khẩn: lừa đảo", "fraud",
                                     "bc:now")
            await fake.wait_until(lambda: copies() >= GROUPS // 3, timeout=60,
                                  what="a third of the groups served")
            # What is in flight now hangs (its answer never comes back to the dead leader).
            fake.inject_delay("sendMessage", 20.0, times=12)
            os.kill(first.process.pid, signal.SIGKILL)
            at_kill = copies()
            await first.process.wait()
            await get_when(b.url("/healthz"), lambda r: _role(r) == "leader",
                           "the standby to take over")
            await fake.wait_until(lambda: copies() > at_kill, timeout=60,
                                  what="the new leader to send")

            async def states() -> dict[int, str]:
                async with db.reading() as conn:
                    rows = await conn.execute(select(groups.c.address, deliveries.c.status)
                                              .join(groups, groups.c.id == deliveries.c.group_id))
                    return {chat_id_of(r.address): r.status for r in rows}

            final: dict[int, str] = {}
            for _ in range(600):  # until no row is pending or sending (each look is a query)
                final = await states()
                if set(final.values()) <= {"sent", "uncertain"}:
                    break
                await asyncio.sleep(0.1)
        finally:
            await db.close()
        assert at_kill < GROUPS
        assert len(final) == GROUPS and set(final.values()) <= {"sent", "uncertain"}, final
        counts = {c.id: len(fake.sent_messages(c.id)) for c in chats}
        assert all(counts[chat] == 1 for chat, state in final.items() if state == "sent")
        assert all(counts[chat] <= 1 for chat in counts)  # never twice, uncertain ones included
        assert list(final.values()).count("uncertain") <= 12  # at most the in-flight requests
        assert await second.stop() == 0, second.log()[-3000:]
