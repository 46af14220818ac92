"""``/queue`` end to end names who still waits by channel: an officer adds an SMS subscriber,
queues a bulletin with ``/bantin TEXT``, and ``/hangdoi`` says "người nhận SMS", not "nhóm"."""

from __future__ import annotations

from tests.e2e.test_groups_and_staff import reply_to


async def test_queue_says_sms_subscribers_when_phones_are_what_waits(harness):
    fake, officer = harness.fake, harness.people.officer
    added = await reply_to(fake, officer, "/sms add 0901234567 TT-TANTHANH")
    assert "09xx xxx 567" in added
    await reply_to(fake, officer, "/bantin Phòng cháy mùa khô: không đốt rơm rạ gần nhà")
    listing = await reply_to(fake, officer, "/hangdoi")
    assert "trong hàng đợi" in listing
    assert "· 1 người nhận SMS chưa nhận:" in listing
    assert "nhóm chưa nhận" not in listing
