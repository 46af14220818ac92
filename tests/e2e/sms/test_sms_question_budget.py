"""An officer's question by SMS past the month's budget (SPEC §12, §13): it does not start (no
first part the rest could not follow), and the officer is told at once it did not arrive and
why; ``/status`` shows it undelivered. Never reported as sent."""

from __future__ import annotations

import pytest

from tests.e2e.sms.test_sms_questions import filed_by_sms
from tests.e2e.test_groups_and_staff import reply_to


@pytest.fixture
def sms_budget_vnd() -> int:
    return 2500  # the receipt (two segments, 1,000 VND) and not a question of six segments


async def test_a_question_the_budget_cannot_carry_whole_is_not_sent_and_the_officer_is_told(
        sms_harness):
    chat = sms_harness.chat
    officer = chat.people.officer
    code = await filed_by_sms(sms_harness)
    question = " ".join(f"chữ{n:03d}" for n in range(60))  # 3 SMS of 2 segments: 3,000 VND
    await reply_to(chat.fake, officer, f"/reply {code} {question}")
    told = await chat.fake.wait_for_message(
        officer.id, lambda m: "KHÔNG đến được" in m.get("text", ""))
    assert code in told["text"] and "ngân sách SMS" in told["text"]
    assert len(sms_harness.texts_to()) == 1  # the receipt only: no part went
    status = await reply_to(chat.fake, officer, f"/status {code}")
    assert "KHÔNG đến được người báo tin" in status and "ngân sách SMS" in status
