"""The weekly summary (SPEC §6, ``reports.weekly`` = "mon 07:30" by default): each unit's
officers get last week's figures once, at that time; not again after a restart; and a summary
missed while the bot was down is sent once when it comes back within the grace (6 h)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.weekly_summary_job import send_weekly_summaries
from channels.telegram_addresses import address_of_chat, chat_id_of
from storage.tips_tables import outbox
from tests.e2e.test_stats_chat import seed_march
from tests.stats_seed import local

HEADING = "Tổng hợp tuần 10 (02/03/2026–08/03/2026)"


def is_summary(message: dict) -> bool:
    return HEADING in message.get("text", "")


async def queued_summaries(harness, chat_id: int) -> int:
    async with harness.bot.services.db.reading() as conn:
        return (await conn.execute(select(func.count(outbox.c.id)).where(
            outbox.c.address == address_of_chat(chat_id),
            outbox.c.payload.contains(HEADING)))).scalar_one()


async def test_summary_goes_once_to_each_officer_at_the_configured_time(harness):
    fake, people, services = harness.fake, harness.people, harness.bot.services
    await seed_march(services.db)
    job = harness.bot.scheduler.get_job("weekly-summary:mon:07:30")
    assert job is not None and "day_of_week='mon', hour='7', minute='30'" in str(job.trigger)

    harness.clock.set(local(2026, 3, 9, 7, 29))
    assert await send_weekly_summaries(services) == []
    harness.clock.set(local(2026, 3, 9, 7, 30))
    queued = await send_weekly_summaries(services)
    assert sorted((q.unit_code, q.week_label, tuple(chat_id_of(a) for a in q.recipients))
                  for q in queued) == [
        ("DT", "2026-W10", (people.admin.id,)),
        ("TT-BINHTHANH", "2026-W10", (people.other_officer.id,)),
        ("TT-TANTHANH", "2026-W10", (people.officer.id,)),
    ]
    summary = (await fake.wait_for_message(people.officer.id, is_summary))["text"]
    assert summary.startswith(f"🗓 {HEADING} gửi cán bộ TT-TANTHANH\n\n📊 Thống kê TT-TANTHANH")
    assert "Kỳ: 2026-W10 (từ 02/03/2026 đến 08/03/2026)" in summary
    assert "Bản tin: 1 bản tin đã chuyển tải, 3 lượt gửi tới nhóm" in summary
    assert "Nguồn tin: 1 tin tiếp nhận — 0 có giá trị, 0 không có giá trị, 1 sai sự thật" in summary
    assert "• Vụ việc được làm rõ: 1 vụ\n• Đối tượng: 3" in summary  # each figure names its kind
    other = (await fake.wait_for_message(people.other_officer.id, is_summary))["text"]
    assert "TT-BINHTHANH" in other and "TT-TANTHANH" not in other
    await fake.wait_for_message(people.admin.id, is_summary)

    harness.clock.advance(timedelta(minutes=5))
    assert await send_weekly_summaries(services) == []  # the cron job firing late, or twice
    await harness.restart()  # the start-up catch-up runs inside the grace: nothing is owed
    assert await send_weekly_summaries(harness.bot.services) == []
    await harness.settle()
    for person in (people.officer, people.other_officer, people.admin):
        assert await queued_summaries(harness, person.id) == 1
        assert len([m for m in fake.sent_messages(person.id) if is_summary(m)]) == 1
    assert not [m for m in fake.sent_messages(people.editor.id) if is_summary(m)]


async def test_summary_missed_while_down_is_sent_once_on_return(harness):
    fake, people = harness.fake, harness.people
    await harness.bot.stop()
    harness.clock.set(local(2026, 3, 9, 9, 0))  # down over the 07:30 slot, back 90 min later
    await harness.restart()
    summary = (await fake.wait_for_message(people.officer.id, is_summary))["text"]
    assert "Nguồn tin: 0 tin tiếp nhận" in summary

    harness.clock.advance(timedelta(hours=1))
    await harness.restart()
    assert await send_weekly_summaries(harness.bot.services) == []
    await harness.settle()
    assert await queued_summaries(harness, people.officer.id) == 1
    assert len([m for m in fake.sent_messages(people.officer.id) if is_summary(m)]) == 1


async def test_summary_older_than_the_grace_is_not_sent_late(harness):
    await harness.bot.stop()
    harness.clock.set(local(2026, 3, 9, 13, 31))  # 6 h 1 min after the slot
    await harness.restart()
    assert await send_weekly_summaries(harness.bot.services) == []
    assert await queued_summaries(harness, harness.people.officer.id) == 0


async def test_a_notice_in_flight_when_the_bot_stops_is_sent_once(harness):
    """Stopping the bot lets the notice it is sending finish and be marked sent; cancelling it
    midway left the row "sending", and the next start sent it a second time."""
    fake, people = harness.fake, harness.people
    harness.clock.set(local(2026, 3, 9, 7, 30))
    fake.inject_delay("sendMessage", 0.5)
    await send_weekly_summaries(harness.bot.services)
    await fake.wait_until(
        lambda: any(c.method == "sendMessage" and HEADING in str(c.params.get("text"))
                    and c.status == 0 for c in fake.world.calls),
        what="a summary request the fake is still holding")
    await harness.restart()
    for person in (people.officer, people.other_officer, people.admin):
        await fake.wait_for_message(person.id, is_summary)
    await fake.wait_until(lambda: all(c.status != 0 for c in fake.world.calls
                                      if c.method == "sendMessage"),
                          what="every message request answered")
    await harness.settle()
    for person in (people.officer, people.other_officer, people.admin):
        assert len([m for m in fake.sent_messages(person.id) if is_summary(m)]) == 1
