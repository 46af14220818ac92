"""SPEC §12: a tip's staff notices, queued just after the receipt, survive a crash in between."""

from __future__ import annotations

import tips.conversation
from storage import tips as tip_store
from tests.e2e.tip_steps import CODE, say


async def test_notices_a_crash_kept_from_being_queued_reach_the_officers_after_a_restart(
        harness, monkeypatch):
    fake, people = harness.fake, harness.people
    await say(fake, people.resident, "/start tip_TT-BINHTHANH")  # remembers the unit
    await say(fake, people.resident, "/huy")

    async def died_after_the_receipt(_ctx, _result) -> None:
        return None

    monkeypatch.setattr(tips.conversation, "queue_staff_notices", died_after_the_receipt)
    receipt = await say(fake, people.resident, "/tip Có người lạ đi xe không biển số")
    code = CODE.search(receipt["text"]).group(0)
    async with harness.bot.services.db.reading() as conn:
        awaiting = await tip_store.tips_awaiting_staff_notices(conn)
        tip = await tip_store.find_tip(conn, code)
    assert awaiting == [tip.id]

    monkeypatch.undo()
    await harness.restart()
    notice = await fake.wait_for_message(people.other_officer.id,
                                         lambda m: code in (m.get("text") or ""))
    assert "không biển số" in notice["text"]
    async with harness.bot.services.db.reading() as conn:
        assert await tip_store.tips_awaiting_staff_notices(conn) == []
