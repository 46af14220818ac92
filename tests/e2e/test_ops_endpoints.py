"""``[ops] listen`` on a running ``python -m bot run`` (SPEC §14): /healthz answers as the
leader, /metrics moves when a tip is filed and a bulletin goes out, and no label or value of it
names a tipster; with the database gone /healthz says 503."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from storage.db import open_database
from storage.tips_tables import tips
from tests.e2e.bulletin_steps import compose_and_choose, linked_groups
from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import (
    bot_process,
    get_when,
    sample,
    samples,
    with_ops_listen,
)
from tests.e2e.tip_steps import file_guided_tip
from tests.fresh_database import admin_connection, fresh_pg_database


@pytest.fixture
async def e2e_pg_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database of this test's own (it is cut off during the test)."""
    async with fresh_pg_database() as url:
        yield url


def _storage_url(tmp_path, e2e_storage_url):
    return e2e_storage_url or f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}"


def _healthy(response) -> bool:
    return response.status_code == 200 and response.json()["telegram"] == "ok"


async def test_health_and_metrics_of_a_running_bot(fake, people, tmp_path, clock,
                                                   e2e_storage_url, free_tcp_port):
    config = with_ops_listen(write_e2e_config(tmp_path, fake, people, e2e_storage_url),
                             free_tcp_port)
    ops = f"http://127.0.0.1:{free_tcp_port}"
    async with bot_process(config, fake.token, tmp_path) as bot:
        await fake.wait_for_call("getUpdates", timeout=30)
        # This process runs on the real clock: on a Monday morning its start catches up the
        # weekly summary (reports.weekly, within the misfire grace), a notice in the outbox
        # for a moment. Wait until it has gone.
        health = await get_when(f"{ops}/healthz",
                                lambda r: _healthy(r) and r.json()["outbox"] == 0,
                                "a healthy bot with nothing left to send")
        assert health.json() == {"status": "ok", "role": "leader", "database": "ok",
                                 "telegram": "ok", "outbox": 0, "pending_deliveries": 0,
                                 "inbox": 0}
        before = (await get_when(f"{ops}/metrics", lambda r: r.status_code == 200,
                                 "metrics")).text
        assert sample(before, "kna_leader") == 1
        assert sample(before, "kna_leader_changes_total") == 1
        assert sample(before, "kna_tips_filed_total", category="drugs") == 0

        await file_guided_tip(fake, people.resident)
        await fake.wait_for_message(people.officer.id, lambda m: "TIP-" in m.get("text", ""))
        after_tip = (await get_when(
            f"{ops}/metrics", lambda r: sample(r.text, "kna_outbox_depth") == 0
            and sample(r.text, "kna_outbox_notices", state="sent") > 0,
            "the tip's staff notices sent")).text
        assert sample(after_tip, "kna_tips_filed_total", category="drugs") == 1
        assert sample(after_tip, "kna_updates_handled_total", kind="message") >= 2
        assert sample(after_tip, "kna_updates_handled_total", kind="callback_query") >= 2

        db = open_database(_storage_url(tmp_path, e2e_storage_url))
        try:
            chats = await linked_groups(fake, db, "TT-TANTHANH", 3, clock)
            async with db.reading() as conn:
                pseudonyms = [row.sender for row in await conn.execute(select(tips.c.sender))]
        finally:
            await db.close()
        fake.inject_error("sendMessage", chat_id=chats[1].id, error_code=429,
                          description="Too Many Requests: retry after 1", retry_after=1)
        await compose_and_choose(fake, people.officer, "Cảnh giác lừa đảo qua điện thoại",
                                 "fraud", "bc:now")
        await fake.wait_for_message(people.officer.id,
                                    lambda m: "Kết quả gửi" in m.get("text", ""), timeout=30)
        after_bulletin = (await get_when(
            f"{ops}/metrics", lambda r: sample(r.text, "kna_bulletin_deliveries",
                                               state="sent", channel="telegram") == 3,
            "three deliveries sent")).text
        assert sample(after_bulletin, "kna_bulletin_deliveries_waiting") == 0
        assert sample(after_bulletin, "kna_telegram_rate_limited_total",
                      method="sendMessage") >= 1
        assert sample(after_bulletin, "kna_telegram_send_seconds_count",
                      method="sendMessage") >= 4
        health = await get_when(f"{ops}/healthz", _healthy, "a healthy bot")
        assert health.json()["pending_deliveries"] == 0

        label_names = {name for (_, labels) in samples(after_bulletin) for name, _ in labels}
        assert label_names <= {"kind", "method", "category", "state", "channel", "le"}
        for person in (people.resident, people.officer, people.admin):
            assert str(person.id) not in after_bulletin
        assert pseudonyms and not any(p in after_bulletin for p in pseudonyms)
        assert fake.token not in after_bulletin
        assert await bot.stop() == 0, bot.log()[-3000:]


@pytest.mark.postgresql
async def test_health_is_503_while_the_database_is_unreachable(fake, people, tmp_path,
                                                               free_tcp_port, e2e_pg_url):
    config = with_ops_listen(write_e2e_config(tmp_path, fake, people, e2e_pg_url),
                             free_tcp_port)
    ops = f"http://127.0.0.1:{free_tcp_port}"
    name = make_url(e2e_pg_url).database
    admin = await admin_connection(e2e_pg_url)
    try:
        async with bot_process(config, fake.token, tmp_path) as bot:
            await fake.wait_for_call("getUpdates", timeout=30)
            await get_when(f"{ops}/healthz", _healthy, "a healthy bot")
            # The database goes away for the bot's work: no new connection, the pooled ones
            # cut. The leader lock's own session is spared: cut too, the leader would rightly
            # stop and exit within a second (ops.leader; tests/e2e/test_leader_standby.py), and
            # whether this test saw its 503 first would depend on the machine's load.
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                " WHERE datname = $1 AND pid NOT IN"
                                " (SELECT pid FROM pg_locks WHERE locktype = 'advisory')", name)
            down = await get_when(f"{ops}/healthz", lambda r: r.status_code == 503,
                                  "503 with the database gone")
            assert down.json()["status"] == "failing"
            assert down.json()["database"] == "failing"
            assert down.json()["role"] == "leader"
            metrics = await get_when(f"{ops}/metrics", lambda r: r.status_code == 200,
                                     "metrics")
            assert sample(metrics.text, "kna_database_up") == 0
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            back = await get_when(f"{ops}/healthz", lambda r: r.status_code == 200,
                                  "200 with the database back")
            assert back.json()["database"] == "ok"
            await bot.stop()
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
