"""A Zalo OA tip when the bot *process* is killed (SIGKILL) while it handles the event (SPEC
§11, §12, §13): the tip was filed and its receipt is in flight when the process dies, so Zalo
saw no answer and retries the event. The next process counts the event uncertain
(``kna_inbound_uncertain_total{channel="zalo_oa"}``), logs it without content or sender, and
answers the retry 200 without handling it: one tip, one receipt, never twice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable

from sqlalchemy import func, select

from bot.config import load_config
from emulators.zalo_oa import FakeZaloOA
from storage.db import open_database
from storage.schema import zalo_seen_events
from storage.tips_tables import tips
from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import bot_process, get_when, sample, with_ops_listen
from tests.e2e.zalo_oa_harness import ZALO_TABLE, free_port, zalo_environ

WORDS = "Có người lạ đi xem từng nhà trong hẻm 9"


async def test_a_kill_mid_handling_leaves_the_event_uncertain_and_the_retry_unhandled(
        fake, people, tmp_path):
    zalo = FakeZaloOA()
    await zalo.start()
    try:
        await _kill_mid_handling(fake, people, tmp_path, zalo)
    finally:
        await zalo.stop()


async def _kill_mid_handling(fake, people, tmp_path, zalo: FakeZaloOA) -> None:
    hook_port, ops_port = free_port(), free_port()
    config_path = with_ops_listen(write_e2e_config(tmp_path, fake, people), ops_port)
    with config_path.open("a", encoding="utf-8") as config_file:
        config_file.write(ZALO_TABLE.format(oa_id=zalo.oa_id, app_id=zalo.app_id,
                                            base_url=zalo.base_url, port=hook_port))
    environ = {**zalo_environ(zalo, zalo.first_refresh_token()), "BOT_SECRET_KEY": "k" * 48}
    config = load_config(config_path, {"BOT_TOKEN": fake.token, **environ})
    metrics = f"http://127.0.0.1:{ops_port}/metrics"
    resident = zalo.user("Lê Văn Dân")
    to_resident = f"user:{resident.id}"
    async with bot_process(config_path, fake.token, tmp_path, name="first",
                           extra_env=environ) as first:
        await fake.wait_for_call("getUpdates", timeout=30)  # started: the webhook listens
        zalo.webhook_url = f"http://127.0.0.1:{hook_port}/zalo/webhook"
        for words in ("báo tin", "Xã Tân Thành", "1"):
            await zalo.user_sends_text(resident, words)
        categories = zalo.sent_to(to_resident)[-1].message["text"].splitlines()
        number = next(line.split(".")[0] for line in categories if line.endswith("Khác"))
        for words in (number, WORDS):
            await zalo.user_sends_text(resident, words)
        asked = len(zalo.sent_to(to_resident))
        # "Gửi tin báo": the tip is filed, then its receipt is carried out and answered late:
        # the bot dies while the event is being handled, before it answers Zalo.
        resident.last_message_at = zalo.now()
        event = zalo.signed_event("user_send_text", resident.id, zalo.oa_id,
                                  {"text": "Gửi tin báo"}, msg_id="5f3a0c9e1b2d4e6f7a8b")
        zalo.inject_delay(to_resident, 30.0)
        posted = asyncio.ensure_future(zalo.post_event(event))
        await _until(lambda: zalo.requests_to(to_resident) == asked + 1, "the receipt asked")
        assert await _figures(config.storage_url) == (1, {"done": 5, "handling": 1})
        os.kill(first.process.pid, signal.SIGKILL)
        await first.process.wait()
    posted.cancel()
    with contextlib.suppress(BaseException):
        await posted

    async with bot_process(config_path, fake.token, tmp_path, name="second",
                           extra_env=environ) as second:
        # Counted at the start of the Zalo channel (the /metrics server answers before it).
        await get_when(metrics, lambda r: r.status_code == 200 and sample(
            r.text, "kna_inbound_uncertain_total", channel="zalo_oa") == 1.0,
            "the uncertain event counted")
        retried = await zalo.post_event(event)  # Zalo's retry of the unanswered event
        assert retried is not None and retried.status_code == 200
        scraped = await get_when(metrics, lambda r: r.status_code == 200, "/metrics again")
        assert sample(scraped.text, "kna_inbound_uncertain_total", channel="zalo_oa") == 1.0
        assert await second.stop() == 0, second.log()[-3000:]

    # One tip, never two; the event in flight is uncertain.
    assert await _figures(config.storage_url) == (1, {"done": 5, "uncertain": 1})
    assert zalo.requests_to(to_resident) == asked + 1  # one receipt
    log = second.log()
    assert "zalo_oa: 1 inbound event(s) were being handled when a process stopped" in log
    assert "zalo_oa: ignored a replayed event (uncertain)" in log
    assert resident.id not in log and "người lạ" not in log and "Lê Văn Dân" not in log


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Each look is cheap (the emulator's own record); 30 seconds at most."""
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def _figures(storage_url: str) -> tuple[int, dict[str, int]]:
    """How many tips, and how many Zalo claims in each state."""
    db = open_database(storage_url)
    try:
        async with db.reading() as conn:
            filed = (await conn.execute(select(func.count()).select_from(tips))).scalar_one()
            states = await conn.execute(select(zalo_seen_events.c.state, func.count())
                                        .group_by(zalo_seen_events.c.state))
            return filed, {state: count for state, count in states}
    finally:
        await db.close()
