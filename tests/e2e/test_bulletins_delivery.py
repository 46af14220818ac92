"""Bulletin delivery end to end, against the fake Bot API enforcing Telegram's flood limits,
with injected 429, 502 and slow answers; and a crash in the middle of a broadcast."""

from __future__ import annotations

import pytest

import bot.bulletin_runtime
from bot.config import load_config
from bot.runtime import start_bot
from tests.e2e.bulletin_steps import compose_and_choose, delivery_statuses, group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.conftest import write_e2e_config

pytestmark = pytest.mark.telegram_flood_limits


def group_429s(fake) -> int:
    return sum(1 for c in fake.calls_to("sendMessage")
               if c.answered and c.status == 429 and c.params.get("chat_id", 0) < 0)


async def test_every_group_gets_exactly_one_copy_despite_429_502_and_slow_answers(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    chats = await link(fake, services.db, "TT-TANTHANH", 45, services.clock)
    fake.inject_error("sendMessage", chat_id=chats[3].id, error_code=429,
                      description="Too Many Requests: retry after 1", retry_after=1)
    fake.inject_error("sendMessage", chat_id=chats[7].id, error_code=502,
                      description="Bad Gateway", times=2)
    # The first copy's answer is held for 2 s: waited for, not abandoned and re-sent.
    preview = await compose_and_choose(fake, people.officer, "Cảnh giác lừa đảo", "fraud",
                                       "bc:now", delay_first_send=2.0)
    assert "45 nhóm" in preview["text"]
    summary = await fake.wait_for_message(people.officer.id,
                                          lambda m: "Kết quả gửi" in m.get("text", ""),
                                          timeout=20)
    assert "45/45" in summary["text"]
    assert [group_copies(fake, c.id) for c in chats] == [1] * 45
    assert await delivery_statuses(services.db) == ["sent"] * 45
    assert group_429s(fake) == 1  # the injected one; the engine's pacing provoked none
    assert fake.rate_limit_hits == 0
    message = fake.sent_messages(chats[0].id)[0]
    assert "Cảnh giác lừa đảo" in message["text"]
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[0]["url"].startswith(f"https://t.me/{fake.bot_username}?start=tip-b")
    assert buttons[1]["callback_data"].startswith("ack:")


async def test_a_crash_mid_broadcast_and_a_restart_deliver_exactly_one_copy_per_group(
        fake, people, tmp_path, clock, monkeypatch):
    # One worker: the crash then finds exactly one request in flight and the rest pending.
    monkeypatch.setattr(bot.bulletin_runtime, "DELIVERY_WORKERS", 1)
    config = load_config(write_e2e_config(tmp_path, fake, people), {"BOT_TOKEN": fake.token})
    environ = {"BOT_SECRET_KEY": "k" * 40}
    first = await start_bot(config, fake.token, clock, poll_timeout=1, environ=environ)
    services = first.services
    chats = await link(fake, services.db, "TT-TANTHANH", 5, clock)
    # The first copy is in flight (its answer held) when the bot dies.
    await compose_and_choose(fake, people.officer, "Phòng chống đuối nước", "drowning", "bc:now",
                             delay_first_send=1.5)
    await fake.wait_for_call("sendMessage", lambda c: c.params.get("chat_id", 0) < 0
                             and not c.answered)
    await first.bulletins.desk.engine.abort()  # the process dies: nothing more is written
    await first.stop()
    assert sorted(await _statuses(config, clock)) == ["pending"] * 4 + ["sending"]

    second = await start_bot(config, fake.token, clock, poll_timeout=1, environ=environ)
    try:
        notice = await fake.wait_for_message(people.officer.id,
                                             lambda m: "không chắc" in m.get("text", ""),
                                             timeout=10)
        assert "1 nhóm" in notice["text"]
        await fake.wait_for_message(people.officer.id, lambda m: "Kết quả gửi" in m["text"],
                                    timeout=10)
        await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in chats),
                              timeout=10, what="every group has its one copy")
        statuses = await delivery_statuses(second.services.db)
        assert sorted(statuses) == ["sent"] * 4 + ["uncertain"]
        # The officer may choose to re-send to exactly the uncertain group.
        resend = notice["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        fake.press_button(people.officer, notice, resend)
        await fake.wait_until(lambda: sum(group_copies(fake, c.id) for c in chats) == 6,
                              timeout=10, what="the re-send")
        twice = [c for c in chats if group_copies(fake, c.id) == 2]
        assert len(twice) == 1 and twice[0].id == chats[0].id
    finally:
        await second.stop()


async def _statuses(config, clock) -> list[str]:
    from storage.db import open_database
    db = open_database(config.storage_url)
    try:
        return await delivery_statuses(db)
    finally:
        await db.close()
