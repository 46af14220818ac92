"""Delivery summaries go through the staff outbox, end to end against the fake Bot API enforcing
Telegram's flood limits (about one message a second per private chat, a burst of three): an
officer whose many dispatches finish at once gets every summary, spaced, none refused with a 429,
and the buttons under a summary still work."""

from __future__ import annotations

import pytest

from channels.telegram_addresses import address_of_chat
from tests.e2e.bulletin_steps import group_copies
from tests.e2e.bulletin_steps import linked_groups as link

pytestmark = pytest.mark.telegram_flood_limits
ALERTS = 6  # twice a private chat's burst of three


def summaries(fake, officer) -> list[dict]:
    return [m for m in fake.sent_messages(officer.id) if "Kết quả gửi" in m.get("text", "")]


async def test_many_summaries_at_once_are_spaced_and_their_buttons_work(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    [chat] = await link(fake, services.db, "TT-TANTHANH", 1, services.clock)
    officer = services.directory.staff_member(address_of_chat(people.officer.id))
    for n in range(ALERTS):
        await services.bulletins.alert(officer, f"Cảnh báo số {n + 1}")
    await fake.wait_until(lambda: len(summaries(fake, people.officer)) == ALERTS, timeout=30,
                          what="a summary per alert")
    assert group_copies(fake, chat.id) == ALERTS
    assert fake.rate_limit_hits == 0  # spaced by the outbox: Telegram refused none
    # The forced re-send under the first summary asks first, then sends one more copy.
    summary = summaries(fake, people.officer)[0]
    buttons = [b for row in summary["reply_markup"]["inline_keyboard"] for b in row]
    force = buttons[-1]["callback_data"]
    assert force.startswith("bu:force:")
    fake.press_button(people.officer, summary, force)
    asked = await fake.wait_for_message(
        people.officer.id, lambda m: any(b.get("callback_data", "").startswith("bu:forceok:")
                                         for row in m.get("reply_markup", {})
                                         .get("inline_keyboard", []) for b in row))
    confirm = next(b["callback_data"] for row in asked["reply_markup"]["inline_keyboard"]
                   for b in row if b["callback_data"].startswith("bu:forceok:"))
    fake.press_button(people.officer, asked, confirm)
    await fake.wait_until(lambda: group_copies(fake, chat.id) == ALERTS + 1, timeout=10,
                          what="the forced re-send")
