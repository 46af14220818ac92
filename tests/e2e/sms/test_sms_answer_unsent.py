"""A text whose answer SMS cannot go (the month's budget spent) is still handled once (SPEC §12,
§13): what the person did is done and the gateway is answered 200, so its retries of the same
text are not filed again - no second addition to the tip, no second notice to the officers."""

from __future__ import annotations

import pytest

from tests.e2e.sms.conftest import NUMBER
from tests.e2e.sms.test_sms_questions import filed_by_sms
from tests.e2e.test_groups_and_staff import reply_to


@pytest.fixture
def sms_budget_vnd() -> int:
    return 1000  # the receipt (two segments) and nothing after it


async def test_an_addition_whose_answer_cannot_be_sent_is_not_filed_again_on_retries(
        sms_harness):
    chat = sms_harness.chat
    officer = chat.people.officer
    code = await filed_by_sms(sms_harness)
    when = int(chat.clock.now().timestamp())
    statuses = [await sms_harness.gateway.text_from(
        NUMBER, f"TL {code} Xe máy màu đỏ", timestamp=when, message_id="m-added")
        for _ in range(3)]  # the gateway's retries: the same message id
    assert statuses == [[200]] * 3

    # A later addition: the officer's notices come in order, so once this one is there every
    # notice of the first one has been sent.
    await sms_harness.text(NUMBER, f"TL {code} Biển số 59-X1 234.56")
    await chat.fake.wait_for_message(officer.id,
                                     lambda m: "59-X1 234.56" in m.get("text", ""))
    added = [m for m in chat.fake.sent_messages(officer.id)
             if "Xe máy màu đỏ" in m.get("text", "")]
    assert len(added) == 1
    assert len(sms_harness.texts_to()) == 1  # the receipt only: the budget is spent
    status = await reply_to(chat.fake, officer, f"/status {code}")
    assert status.count("Xe máy màu đỏ") == 1
