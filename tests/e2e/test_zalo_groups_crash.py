"""An alert to Telegram and Zalo OA groups when the bot process is killed (SIGKILL) while a GMF
send is in flight (SPEC §12): the row in flight becomes uncertain and is never sent again by
itself, the officer is told, and no group ever gets a second copy."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable

from sqlalchemy import select

from bot.config import load_config
from channels.telegram_addresses import address_of_chat
from channels.zalo_oa.addresses import group_address
from emulators.zalo_oa import FakeZaloOA
from storage import groups as group_store
from storage.db import open_database
from storage.schema import deliveries, groups
from tests.e2e.bulletin_steps import group_copies
from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import bot_process
from tests.e2e.zalo_oa_harness import ZALO_TABLE, free_port, zalo_environ


async def test_a_kill_mid_send_leaves_the_oa_group_uncertain_and_never_sends_twice(
        fake, people, tmp_path, clock):
    zalo = FakeZaloOA()
    await zalo.start()
    try:
        await _kill_mid_send(fake, people, tmp_path, clock, zalo)
    finally:
        await zalo.stop()


async def _kill_mid_send(fake, people, tmp_path, clock, zalo: FakeZaloOA) -> None:
    config_path = write_e2e_config(tmp_path, fake, people)
    with config_path.open("a", encoding="utf-8") as config_file:
        config_file.write(ZALO_TABLE.format(oa_id=zalo.oa_id, app_id=zalo.app_id,
                                            base_url=zalo.base_url, port=free_port()))
    environ = {**zalo_environ(zalo, zalo.first_refresh_token()), "BOT_SECRET_KEY": "k" * 48}
    config = load_config(config_path, {"BOT_TOKEN": fake.token, **environ})
    in_flight, other = zalo.group("Zalo Ấp 1", members=30), zalo.group("Zalo Ấp 2", members=12)
    chats = [fake.group(f"Tổ {n}", members=12) for n in (1, 2)]
    async with bot_process(config_path, fake.token, tmp_path, name="first",
                           extra_env=environ) as first:
        await fake.wait_for_call("getUpdates", timeout=30)
        db = open_database(config.storage_url)
        try:
            async with db.transaction() as conn:
                addresses = [address_of_chat(chat.id) for chat in chats] + [
                    group_address(in_flight.id), group_address(other.id)]
                for address in addresses:
                    await group_store.link_group(conn, address, "Tổ", "TT-TANTHANH",
                                                 address_of_chat(people.officer.id), clock.now())
        finally:
            await db.close()
        # Zalo carries the first copy out and answers it late: the bot dies waiting.
        zalo.inject_delay(f"group:{in_flight.id}", 5.0)
        fake.send_message(people.officer, "/khancap Cháy lớn ở chợ, tránh xa khu vực")
        await zalo.wait_until_sent(f"group:{in_flight.id}", 1, seconds=30)
        # The other copies are done (so the one in flight is the only row the kill leaves).
        await _until(config.storage_url, lambda states: sorted(states.values()) == [
            "sending", "sent", "sent", "sent"])
        os.kill(first.process.pid, signal.SIGKILL)
        await first.process.wait()

    async with bot_process(config_path, fake.token, tmp_path, name="second",
                           extra_env=environ) as second:
        notice = await fake.wait_for_message(
            people.officer.id, lambda m: "không chắc" in m.get("text", ""), timeout=30)
        assert "1 nhóm" in notice["text"]
        assert await second.stop() == 0, second.log()[-3000:]

    states = await _states(config.storage_url)
    assert states[str(group_address(in_flight.id))] == "uncertain"
    assert sorted(states.values()) == ["sent"] * 3 + ["uncertain"]
    # Never twice: the uncertain copy (which did arrive) was not sent again by itself.
    assert len(zalo.sent_to(f"group:{in_flight.id}")) == 1
    assert len(zalo.sent_to(f"group:{other.id}")) == 1
    assert [group_copies(fake, chat.id) for chat in chats] == [1, 1]


async def _states(storage_url: str) -> dict[str, str]:
    db = open_database(storage_url)
    try:
        async with db.reading() as conn:
            rows = await conn.execute(select(groups.c.address, deliveries.c.status)
                                      .join(groups, groups.c.id == deliveries.c.group_id))
            return {str(row.address): row.status for row in rows}
    finally:
        await db.close()


async def _until(storage_url: str, condition: Callable[[dict[str, str]], bool]) -> None:
    """Until the delivery rows are in the states asked for (each look is a query)."""
    for _ in range(600):
        if condition(await _states(storage_url)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"delivery rows never reached the state asked for: "
                         f"{await _states(storage_url)}")
