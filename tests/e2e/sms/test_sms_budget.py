"""The monthly SMS budget end to end (SPEC §13): past ``sms.monthly_budget_vnd`` in the calendar
month nothing more goes by SMS (the copy fails with the reason, Telegram groups still get
theirs), officers are told once, and a new month starts afresh."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.bulletin_steps import group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.sms.conftest import confirmed_alert
from tests.e2e.test_groups_and_staff import reply_to

SPENT = "Đã hết ngân sách SMS tháng"


@pytest.fixture
def sms_budget_vnd() -> int:
    return 1000  # two one-segment SMS at 500 VND


async def _alert(chat, text: str, count: int) -> None:
    await confirmed_alert(chat, text)  # a subscriber is in scope: the SMS cost is asked
    await chat.fake.wait_until(
        lambda: sum(1 for m in chat.fake.sent_messages(chat.people.officer.id)
                    if "Kết quả gửi" in m.get("text", "")) == count,
        timeout=20, what=f"summary {count}")


async def test_past_the_budget_no_sms_goes_and_officers_are_told_once(sms_harness):
    chat = sms_harness.chat
    groups = await link(chat.fake, chat.bot.services.db, "TT-TANTHANH", 1, chat.clock)
    await reply_to(chat.fake, chat.people.officer, "/sms add 0901234567 TT-TANTHANH")
    await _alert(chat, "Cảnh báo một", 1)
    await _alert(chat, "Cảnh báo hai", 2)
    assert len(sms_harness.texts_to()) == 2
    await _alert(chat, "Cảnh báo ba", 3)
    await _alert(chat, "Cảnh báo bốn", 4)
    assert len(sms_harness.texts_to()) == 2
    assert group_copies(chat.fake, groups[0].id) == 4
    told = [m for m in chat.fake.sent_messages(chat.people.officer.id)
            if SPENT in m.get("text", "")]
    assert len(told) == 1 and "1.000 đồng" in told[0]["text"]
    admin = [m for m in chat.fake.sent_messages(chat.people.admin.id)
             if SPENT in m.get("text", "")]
    assert len(admin) == 1  # officers and above; editors are not told
    assert not any(SPENT in m.get("text", "")
                   for m in chat.fake.sent_messages(chat.people.editor.id))

    chat.clock.advance(timedelta(days=31))  # April: a new month, a new budget
    await _alert(chat, "Cảnh báo tháng tư", 5)
    assert len(sms_harness.texts_to()) == 3
