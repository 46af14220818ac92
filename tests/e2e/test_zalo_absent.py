"""Without ``[zalo_oa]`` the bot runs as it always did: nothing of Zalo is built, started or
logged (the other end-to-end tests run this configuration throughout)."""

from __future__ import annotations

from tests.e2e.tip_steps import say


async def test_without_zalo_oa_nothing_of_zalo_runs(harness):
    assert harness.bot.zalo is None
    assert "đơn vị nào" in (await say(harness.fake, harness.people.resident, "/tip"))["text"]
    logs = harness.logs.getvalue()
    assert "bot started" in logs
    assert "Zalo OA channel" not in logs and "zalo/webhook" not in logs
