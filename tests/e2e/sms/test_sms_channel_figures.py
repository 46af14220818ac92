"""A tip by SMS is counted as an SMS tip (SPEC §13): the channel is kept with the tip at intake
(``tips.channel``, the number itself stays sealed) and ``/stats`` shows the figures by channel
beside the totals once two channels have some."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.tips_tables import tips
from tests.e2e.sms.conftest import NUMBER
from tests.e2e.test_groups_and_staff import reply_to
from tests.e2e.tip_steps import say
from tests.stats_seed import add_groups, local

CODE = re.compile(r"TIP-[0-9A-Z]{6}")


async def test_a_tip_by_sms_counts_for_the_sms_channel_in_stats(sms_harness):
    chat = sms_harness.chat
    officer = chat.people.officer
    db = chat.bot.services.db
    before = (await say(chat.fake, officer, "/stats"))["text"]
    assert "Theo kênh" not in before  # nothing on any channel yet
    await add_groups(db, "TT-TANTHANH", [12], local(2026, 2, 10))
    await reply_to(chat.fake, officer, "/sms add 0901234567 TT-TANTHANH")
    assert await sms_harness.text(NUMBER, "TB Có người lạ hay đứng ở cầu ấp 1") == [200]
    await chat.fake.wait_until(lambda: any(CODE.search(t) for t in sms_harness.texts_to()),
                               timeout=10, what="the receipt by SMS")
    code = CODE.search(sms_harness.texts_to()[0]).group(0)
    # The officer's notice first, so that the next message they get is the answer to /stats.
    await chat.fake.wait_for_message(officer.id, lambda m: code in m.get("text", ""))
    async with db.reading() as conn:
        assert [r.channel for r in await conn.execute(select(tips.c.channel))] == ["sms"]

    text = (await say(chat.fake, officer, "/stats"))["text"]
    assert "Nhóm: 1 nhóm, 12 thành viên" in text  # the totals count chat groups, as before
    assert "Nguồn tin: 1 tin tiếp nhận" in text
    assert text.splitlines()[-1] == ("Theo kênh: Telegram 1 nhóm, 12 thành viên, 0 lượt gửi, "
                                     "0 tin; SMS 1 người nhận, 0 lượt gửi, 1 tin")
