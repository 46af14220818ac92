"""Schedule slots with a controlled clock: the queue never repeats, an empty queue is reported,
a missed slot runs once within the grace, jobs are rebuilt from the database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from broadcasts.bulletins import Action, Content
from broadcasts.scheduler import BulletinJobs
from broadcasts.slots import latest_slot_at
from channels.telegram_addresses import address_of_chat
from core.schedule_spec import parse_schedule_spec
from storage.tips_tables import outbox
from tests.bulletin_seed import (
    ADMIN,
    OFFICER,
    link_groups,
    open_desk,
    settle,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
THURSDAY_0800 = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)  # the clock fixture's instant


@pytest.fixture
async def env(write_config, clock):
    async with open_desk(write_config(), clock, start=True) as desk_and_channels:
        yield desk_and_channels


@asynccontextmanager
async def slot_jobs(desk) -> AsyncIterator[tuple[AsyncIOScheduler, BulletinJobs]]:
    """The desk's slot jobs on a paused scheduler: built and rebuilt to be read, never fired."""
    scheduler = AsyncIOScheduler(timezone=HCM)
    scheduler.start(paused=True)
    try:
        jobs = BulletinJobs(scheduler, desk)
        await jobs.start()
        try:
            yield scheduler, jobs
        finally:
            await jobs.stop()
    finally:
        scheduler.shutdown(wait=False)


async def queue(desk, body, unit="TT-TANTHANH", who=OFFICER):
    member = desk.directory.staff_member(address_of_chat(who))
    return (await desk.submit(member, unit, "general", Content(body), Action.QUEUE)).bulletin


async def queued_notices(desk):
    """(address, text) of each notice waiting in the staff outbox, in order."""
    async with desk.db.reading() as conn:
        rows = (await conn.execute(select(outbox.c.address, outbox.c.payload)
                                   .where(outbox.c.status == "pending")
                                   .order_by(outbox.c.id))).all()
    return [(address, json.loads(payload)["text"]) for address, payload in rows]


def bodies(groups, chat_id):
    return [m.text.split("\n\n", 1)[1] for c, m in groups.sent if c == chat_id]


def test_latest_slot_is_the_last_one_at_or_before_now():
    spec = parse_schedule_spec("mon,thu 08:00")
    assert latest_slot_at(spec, HCM, THURSDAY_0800) == THURSDAY_0800
    just_before = THURSDAY_0800 - timedelta(seconds=1)
    assert latest_slot_at(spec, HCM, just_before) == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    two_slots = parse_schedule_spec("mon 08:00; thu 17:30")
    assert latest_slot_at(two_slots, HCM, THURSDAY_0800 + timedelta(hours=10)) == datetime(
        2026, 3, 5, 10, 30, tzinfo=UTC)


async def test_each_slot_sends_the_next_unseen_bulletin_and_never_repeats(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    await queue(desk, "Bản tin một")
    await queue(desk, "Bản tin hai")
    await desk.run_due_slots()  # Thursday 08:00
    await settle(desk)
    assert [bodies(groups, c) for c in chats] == [["Bản tin một"], ["Bản tin một"]]
    await desk.run_due_slots()  # the same slot looked at again: nothing more
    clock.advance(timedelta(days=4))  # Monday 08:00
    await desk.run_due_slots()
    await settle(desk)
    assert [bodies(groups, c) for c in chats] == [["Bản tin một", "Bản tin hai"]] * 2
    staff.sent.clear()
    clock.advance(timedelta(days=3))  # Thursday: the queue is dry
    await desk.run_due_slots()
    # The officer is told through the staff outbox (one message a second per chat), not at once.
    assert staff.sent == []
    told = await queued_notices(desk)
    assert [address for address, _ in told] == [address_of_chat(OFFICER)]
    assert "2/2" in told[0][1] and "TT-TANTHANH" in told[0][1]
    await desk.run_due_slots()  # the same slot looked at again: told once
    assert len(await queued_notices(desk)) == 1
    await settle(desk)
    assert len(groups.sent) == 4  # nothing old re-sent
    assert [chat for chat, _ in staff.sent] == [OFFICER]


async def test_a_late_group_gets_the_oldest_bulletin_it_has_not_had(env, clock):
    desk, groups, _ = env
    first = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    await queue(desk, "Của tỉnh", unit="DT", who=ADMIN)
    await queue(desk, "Của xã")
    await desk.run_due_slots()
    await settle(desk)
    late = await link_groups(desk.db, "TT-TANTHANH-A1", 1, clock.now(), first_chat_id=-5000)
    clock.advance(timedelta(days=4))
    await desk.run_due_slots()
    await settle(desk)
    assert bodies(groups, first[0]) == ["Của tỉnh", "Của xã"]
    assert bodies(groups, late[0]) == ["Của tỉnh"]  # an ancestor's bulletin reaches it


async def test_a_slot_missed_while_down_is_sent_once_within_the_grace(env, clock):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    await queue(desk, "Một")
    await queue(desk, "Hai")
    clock.advance(timedelta(hours=5, minutes=59))  # back up within misfire_grace (6h)
    assert len(await desk.run_due_slots()) == 1
    assert await desk.run_due_slots() == []
    await settle(desk)
    assert bodies(groups, chats[0]) == ["Một"]
    clock.advance(timedelta(days=4, hours=6, minutes=2))  # Monday, 6h01 after the slot
    assert await desk.run_due_slots() == []
    await settle(desk)
    assert bodies(groups, chats[0]) == ["Một"]


async def test_a_unit_schedule_set_in_chat_replaces_the_default(env, clock):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    await queue(desk, "Một")
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    await desk.set_schedule(member, "TT-TANTHANH", parse_schedule_spec("daily 07:00"))
    assert await desk.run_due_slots() == []  # 07:00 today came before the schedule existed
    clock.advance(timedelta(hours=23))  # Friday 07:00
    await desk.run_due_slots()
    await settle(desk)
    assert bodies(groups, chats[0]) == ["Một"]
    schedule = await desk.schedule_of("TT-TANTHANH")
    assert schedule.owner == "TT-TANTHANH" and schedule.spec.to_text() == "daily 07:00"


async def test_slot_jobs_are_rebuilt_from_the_database(env, clock):
    desk, _, _ = env
    async with slot_jobs(desk) as (scheduler, jobs):
        assert jobs.slot_job_ids() == ["bulletin-slot:mon,thu:08:00"]
        await desk.set_schedule(desk.directory.staff_member(address_of_chat(OFFICER)),
                                "TT-TANTHANH", parse_schedule_spec("mon 08:00; thu 17:30"))
        await jobs.rebuild()
        assert jobs.slot_job_ids() == ["bulletin-slot:mon,thu:08:00", "bulletin-slot:mon:08:00",
                                       "bulletin-slot:thu:17:30"]
        job = scheduler.get_job("bulletin-slot:thu:17:30")
        assert str(job.trigger.timezone) == "Asia/Ho_Chi_Minh"
        assert job.misfire_grace_time == 6 * 3600


async def test_a_hamlet_group_follows_its_communes_schedule_not_the_default(env, clock):
    desk, groups, _ = env
    [hamlet] = await link_groups(desk.db, "TT-TANTHANH-A1", 1, clock.now())
    await queue(desk, "Một")
    officer = desk.directory.staff_member(address_of_chat(OFFICER))
    await desk.set_schedule(officer, "TT-TANTHANH", parse_schedule_spec("thu 17:30"))
    schedule = await desk.schedule_of("TT-TANTHANH-A1")
    assert schedule.owner == "TT-TANTHANH" and schedule.spec.to_text() == "thu 17:30"
    await desk.run_due_slots()  # Thursday 08:00: the default slot, which the hamlet no longer has
    await settle(desk)
    assert bodies(groups, hamlet) == []
    clock.advance(timedelta(hours=9, minutes=30))  # Thursday 17:30: the commune's slot
    await desk.run_due_slots()
    await settle(desk)
    assert bodies(groups, hamlet) == ["Một"]
    await queue(desk, "Hai")
    clock.set(datetime(2026, 3, 9, 1, 0, tzinfo=UTC))  # Monday 08:00: default only, not both
    await desk.run_due_slots()
    await settle(desk)
    assert bodies(groups, hamlet) == ["Một"]


async def test_concurrent_schedule_changes_rebuild_one_at_a_time_and_the_last_one_wins(
        env, clock, monkeypatch):
    desk, _, _ = env
    async with slot_jobs(desk) as (_, jobs):
        reading, most_at_once = 0, 0
        both_changed = asyncio.Event()
        real_all_schedules = desk.all_schedules

        async def slow_reader():
            # The first rebuild reads the first change, then is held up until the second
            # change is stored: a rebuild running beside it would overtake it.
            nonlocal reading, most_at_once
            reading += 1
            most_at_once = max(most_at_once, reading)
            try:
                found = await real_all_schedules()
                await both_changed.wait()
                return found
            finally:
                reading -= 1

        monkeypatch.setattr(desk, "all_schedules", slow_reader)
        officer = desk.directory.staff_member(address_of_chat(OFFICER))
        await desk.set_schedule(officer, "TT-TANTHANH", parse_schedule_spec("thu 17:30"))
        await desk.set_schedule(officer, "TT-TANTHANH", parse_schedule_spec("sat 09:15"))
        both_changed.set()
        await jobs.rebuilt()
        assert most_at_once == 1
        assert jobs.slot_job_ids() == ["bulletin-slot:mon,thu:08:00", "bulletin-slot:sat:09:15"]


async def test_sunday_warning_names_groups_below_the_weekly_target(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    await queue(desk, "Một")
    await queue(desk, "Hai")
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    await desk.run_due_slots()  # Thursday: one bulletin each
    await settle(desk)
    await desk.submit(member, "TT-TANTHANH", "fire", Content("Hai, gửi ngay"), Action.SEND_NOW)
    await settle(desk)
    groups.failures.clear()
    staff.sent.clear()
    before = await queued_notices(desk)
    clock.set(datetime(2026, 3, 8, 12, 0, tzinfo=UTC))  # Sunday 19:00 local
    await desk.warn_below_target()
    await desk.warn_below_target()  # once a week, however often it runs
    assert await queued_notices(desk) == before  # both groups reached 2 this week
    clock.advance(timedelta(days=7))
    await desk.warn_below_target()
    await desk.warn_below_target()
    warned = (await queued_notices(desk))[len(before):]
    # Queued in the staff outbox with the week's claim, once; not told inline.
    assert [address for address, _ in warned] == [address_of_chat(OFFICER)]
    assert staff.sent == []
    text = warned[0][1]
    assert "2026-W11" in text and all(f"Tổ TT-TANTHANH {n}" in text for n in (1, 2))
    assert len(chats) == 2
