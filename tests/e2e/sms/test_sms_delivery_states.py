"""The phone's later word on SMS it accepted (SPEC §12: no silent loss): the bot asks SMS
Gateway for Android (``GET /message/<id>``, the emulator moving Pending → Processed → Sent →
Delivered, or Failed for a number out of reach) and records a failure on the sent copy, whose
sender is told once, with the phone's reason; the copy stays ``sent`` (it went, and was
billed)."""

from __future__ import annotations

from sqlalchemy import select

from storage.schema import deliveries
from tests.e2e.sms.conftest import NUMBER, confirmed_alert
from tests.e2e.test_groups_and_staff import reply_to

OTHER = "+84912345678"
FAILED_WORDS = "KHÔNG gửi được tới người nhận"


async def _sms_rows(chat) -> list:
    async with chat.bot.services.db.reading() as conn:
        return (await conn.execute(select(deliveries.c.status, deliveries.c.last_error)
                                   .order_by(deliveries.c.id))).all()


async def test_a_failure_the_phone_reports_is_recorded_and_told_once(sms_harness):
    chat, gateway = sms_harness.chat, sms_harness.gateway
    officer = chat.people.officer
    await reply_to(chat.fake, officer, "/sms add 0901234567 TT-TANTHANH")
    await reply_to(chat.fake, officer, "/sms add 0912345678 TT-TANTHANH")
    await confirmed_alert(chat, "Cảnh báo cháy rừng")
    await chat.fake.wait_until(
        lambda: len(gateway.sms_to(NUMBER)) == 1 and len(gateway.sms_to(OTHER)) == 1,
        timeout=20, what="both SMS")
    await chat.fake.wait_until(
        lambda: any("Kết quả gửi" in m.get("text", "")
                    for m in chat.fake.sent_messages(officer.id)), timeout=20, what="summary")
    states = chat.bot.sms.delivery_states

    assert await states.check_once() == 0  # both still Pending on the phone
    gateway.mark_unreachable(NUMBER)
    gateway.advance()  # Processed
    gateway.advance()  # NUMBER: Failed; OTHER: Sent
    assert await states.check_once() == 1
    told = [m["text"] for m in chat.fake.sent_messages(officer.id)
            if FAILED_WORDS in m.get("text", "")]
    assert len(told) == 1 and "1 SMS" in told[0] and "RESULT_ERROR_GENERIC_FAILURE" in told[0]
    rows = await _sms_rows(chat)
    assert [r.status for r in rows] == ["sent", "sent"]
    assert sorted(r.last_error or "" for r in rows)[1].startswith(
        "sms: the phone reports it failed (RESULT_ERROR_GENERIC_FAILURE)")

    gateway.advance()  # OTHER: Delivered
    assert await states.check_once() == 0  # the failure is not reported twice
    assert sum(FAILED_WORDS in m.get("text", "")
               for m in chat.fake.sent_messages(officer.id)) == 1
    assert sum(1 for r in await _sms_rows(chat) if r.last_error) == 1
