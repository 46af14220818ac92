"""``/help`` with a two-way SMS gateway phone: officers read the words residents text to it."""

from __future__ import annotations

from tests.e2e.test_groups_and_staff import reply_to


async def test_officers_help_tells_the_sms_keywords_and_residents_do_not_see_them(sms_harness):
    fake, people = sms_harness.chat.fake, sms_harness.chat.people
    officer_help = await reply_to(fake, people.officer, "/help")
    assert "/sms (/tinnhan)" in officer_help
    assert "DK MÃ_ĐƠN_VỊ để nhận bản tin, HUY để thôi, TB nội dung để báo tin" in officer_help
    assert "DK MÃ_ĐƠN_VỊ" not in await reply_to(fake, people.resident, "/help")
