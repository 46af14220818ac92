"""A tip on Zalo is counted as a Zalo OA tip (SPEC §13): the adapter passes its channel at intake
and ``/stats`` shows it in the line by channel."""

from __future__ import annotations

from sqlalchemy import select

from storage.tips_tables import tips
from tests.e2e.test_zalo_residents import file_tip_on_zalo, harness  # noqa: F401 (fixture)
from tests.e2e.tip_steps import say
from tests.stats_seed import add_groups, local


async def test_a_tip_on_zalo_counts_for_zalo_oa_in_stats(harness):  # noqa: F811
    fake, people = harness.fake, harness.people
    db = harness.bot.services.db
    await add_groups(db, "TT-TANTHANH", [12], local(2026, 2, 10))
    code = await file_tip_on_zalo(harness, harness.zalo.user("Lê Thị Zalo"), "Có trộm xe máy")
    await fake.wait_for_message(people.officer.id, lambda m: code in (m.get("text") or ""))
    async with db.reading() as conn:
        assert [r.channel for r in await conn.execute(select(tips.c.channel))] == ["zalo_oa"]
    text = (await say(fake, people.officer, "/stats"))["text"]
    assert text.splitlines()[-1] == ("Theo kênh: Telegram 1 nhóm, 12 thành viên, 0 lượt gửi, "
                                     "0 tin; Zalo OA 0 nhóm, 0 thành viên, 0 lượt gửi, 1 tin")
