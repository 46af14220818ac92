"""A restart in the middle of the composer loses nothing the officer typed: the draft is kept
in the database and the preview's buttons pick it up again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.config import load_config
from bot.runtime import start_bot
from emulators.telegram import FakeTelegramAPI
from storage.schema import bulletin_drafts, bulletins
from tests.e2e.conftest import write_e2e_config


@pytest.fixture
async def fake():
    api = FakeTelegramAPI()
    await api.start()
    yield api
    await api.stop()


async def test_a_draft_survives_a_restart_and_its_buttons_still_work(fake, people, tmp_path,
                                                                     clock):
    config = load_config(write_e2e_config(tmp_path, fake, people), {"BOT_TOKEN": fake.token})
    environ = {"BOT_SECRET_KEY": "k" * 40}
    officer = people.officer
    first = await start_bot(config, fake.token, clock, poll_timeout=1, environ=environ)
    try:
        fake.send_message(officer, "/bulletin")
        await fake.wait_for_message(officer.id, lambda m: "Gửi nội dung" in m.get("text", ""))
        fake.send_message(officer, "Cảnh giác lừa đảo việc làm online")
        topics = await fake.wait_for_message(officer.id, lambda m: "chủ đề" in m["text"])
        fake.press_button(officer, topics, "bc:topic:fraud")
        await fake.wait_for_call("editMessageText")
    finally:
        await first.stop()

    second = await start_bot(config, fake.token, clock, poll_timeout=1, environ=environ)
    try:
        edits = len(fake.calls_to("editMessageText"))
        fake.press_button(officer, topics, "bc:queue")
        await fake.wait_until(lambda: len(fake.calls_to("editMessageText")) > edits,
                              what="the preview answers")
        done = fake.world.message(topics["chat"]["id"], topics["message_id"])
        assert "hàng đợi" in done["text"]
        async with second.services.db.reading() as conn:
            stored = list(await conn.execute(select(bulletins.c.body, bulletins.c.topic)))
            drafts = list(await conn.execute(select(bulletin_drafts)))
        assert [(r.body, r.topic) for r in stored] == [("Cảnh giác lừa đảo việc làm online",
                                                        "fraud")]
        assert drafts == []  # chosen: the draft is gone
        # The same button again: the draft was used, nothing is queued twice.
        query = fake.press_button(officer, topics, "bc:queue")
        await fake.wait_until(lambda: query in fake.callback_answers)
        assert fake.callback_answers[query].get("show_alert") is True
    finally:
        await second.stop()
