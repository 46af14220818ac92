"""Paid broadcasts end to end (``bulletins.paid_broadcast``): the officer is told the cost in
Telegram Stars before an alert goes; the alert's group copies go with ``allow_paid_broadcast``
and the emulator charges 0.1 Star each; bulletins never pay; with the key off nothing pays; an
empty balance sends the alert anyway, unpaid."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest

from bot.config import load_config
from bot.runtime import start_bot
from emulators.telegram.paid_broadcast import BALANCE_TOO_LOW
from tests.e2e.bulletin_steps import compose_and_choose, group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.conftest import BOT_ENV, Harness, write_e2e_config
from tests.e2e.test_groups_and_staff import reply_to


@pytest.fixture
async def paid(fake, people, tmp_path, clock, e2e_storage_url) -> AsyncIterator[Harness]:
    path = write_e2e_config(tmp_path, fake, people, e2e_storage_url)
    with path.open("a", encoding="utf-8") as config:
        config.write("\n[bulletins]\npaid_broadcast = true\n")
    config = load_config(path, {"BOT_TOKEN": fake.token})
    assert config.bulletins.paid_broadcast
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    harness = Harness(fake, running, people, io.StringIO(), path, clock)
    try:
        yield harness
    finally:
        await harness.bot.stop()


def group_sends(fake, chats):
    ids = {chat.id for chat in chats}
    return [c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") in ids]


async def test_a_paid_alert_tells_the_cost_first_then_pays_for_each_group_copy(paid):
    fake, people, services = paid.fake, paid.people, paid.bot.services
    fake.stars.top_up(50)
    chats = await link(fake, services.db, "TT-TANTHANH-A1", 3, services.clock)
    fake.send_message(people.officer, "/khancap Lũ lớn, di dời ngay")
    question = await fake.wait_for_message(people.officer.id,
                                           lambda m: "Telegram Stars" in m.get("text", ""))
    assert "3 nhóm Telegram: 0,3 Telegram Stars" in question["text"]
    assert "Lũ lớn, di dời ngay" in question["text"]
    await paid.settle()
    assert all(group_copies(fake, c.id) == 0 for c in chats)  # nothing before the choice
    fake.press_button(people.officer, question, "al:ok")
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in chats))
    sends = group_sends(fake, chats)
    assert len(sends) == 3 and all(c.params.get("allow_paid_broadcast") for c in sends)
    assert fake.stars.paid_messages == 3
    assert fake.stars.spent_stars == pytest.approx(0.3)
    # Answers in private chats are never paid.
    assert not any(c.params.get("allow_paid_broadcast") for c in fake.calls_to("sendMessage")
                   if c.params.get("chat_id") == people.officer.id)


async def test_cancelling_the_paid_alert_sends_and_charges_nothing(paid):
    fake, people, services = paid.fake, paid.people, paid.bot.services
    fake.stars.top_up(50)
    chats = await link(fake, services.db, "TT-TANTHANH-A1", 2, services.clock)
    fake.send_message(people.officer, "/alert Thử huỷ")
    question = await fake.wait_for_message(people.officer.id,
                                           lambda m: "Telegram Stars" in m.get("text", ""))
    fake.press_button(people.officer, question, "al:no")
    await fake.wait_for_call("editMessageText")
    await paid.settle()
    assert all(group_copies(fake, c.id) == 0 for c in chats)
    assert fake.stars.paid_messages == 0


async def test_bulletins_never_pay_even_with_paid_broadcast_on(paid):
    fake, people, services = paid.fake, paid.people, paid.bot.services
    fake.stars.top_up(50)
    chats = await link(fake, services.db, "TT-TANTHANH", 2, services.clock)
    await compose_and_choose(fake, people.officer, "Bản tin thường tuần này", "fire", "bc:now")
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in chats))
    assert not any(c.params.get("allow_paid_broadcast") for c in group_sends(fake, chats))
    assert fake.stars.paid_messages == 0


async def test_an_empty_balance_still_sends_the_alert_unpaid_and_once(paid):
    fake, people, services = paid.fake, paid.people, paid.bot.services
    chats = await link(fake, services.db, "TT-TANTHANH-A1", 3, services.clock)
    fake.send_message(people.officer, "/khancap Cảnh báo khi hết Stars")
    question = await fake.wait_for_message(people.officer.id,
                                           lambda m: "Telegram Stars" in m.get("text", ""))
    fake.press_button(people.officer, question, "al:ok")
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in chats))
    sends = group_sends(fake, chats)
    refused = [c for c in sends if c.status == 400]
    assert refused and all(BALANCE_TOO_LOW in c.response["description"] for c in refused)
    delivered = [c for c in sends if c.status == 200]
    assert len(delivered) == 3 and not any(c.params.get("allow_paid_broadcast")
                                           for c in delivered)
    assert fake.stars.paid_messages == 0
    await fake.wait_for_message(people.officer.id, lambda m: "3/3" in m.get("text", ""))


async def test_with_paid_broadcast_off_an_alert_goes_at_once_and_never_pays(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    fake.stars.top_up(50)
    chats = await link(fake, services.db, "TT-TANTHANH-A1", 2, services.clock)
    answer = await reply_to(fake, people.officer, "/khancap Lũ lớn")
    assert "2 nhóm" in answer and "Stars" not in answer
    await fake.wait_until(lambda: all(group_copies(fake, c.id) == 1 for c in chats))
    assert not any(c.params.get("allow_paid_broadcast") for c in group_sends(fake, chats))
    assert fake.stars.paid_messages == 0
