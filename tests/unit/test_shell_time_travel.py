"""``:time``: which scheduled jobs come due, and when, as the shell's clock moves on."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from shell.time_travel import job_kind, next_firing

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _slot() -> None: ...


def _scheduler() -> AsyncIOScheduler:
    # Never started: its jobs and triggers are all the shell reads.
    scheduler = AsyncIOScheduler(timezone=VN)
    scheduler.add_job(_slot, CronTrigger(day_of_week="mon,thu", hour=8, timezone=VN),
                      id="bulletin-slot:mon,thu:08:00")
    scheduler.add_job(_slot, CronTrigger(day_of_week="sun", hour=19, timezone=VN),
                      id="bulletin-compliance")
    scheduler.add_job(_slot, CronTrigger(day_of_week="thu", hour=8, timezone=VN),
                      id="bulletin-slot:thu:08:00")
    return scheduler


def test_next_firing_is_the_earliest_due_time_with_every_job_due_then():
    tuesday = datetime(2026, 3, 3, 9, 0, tzinfo=VN)
    firing = next_firing(_scheduler(), tuesday, tuesday + timedelta(days=7))
    assert firing is not None
    assert firing.at == datetime(2026, 3, 5, 8, 0, tzinfo=VN)
    assert [job.id for job in firing.jobs] == ["bulletin-slot:mon,thu:08:00",
                                               "bulletin-slot:thu:08:00"]
    assert {job_kind(job) for job in firing.jobs} == {"bulletin-slot"}


def test_a_job_never_fires_twice_at_the_same_time_and_nothing_beyond_the_end():
    scheduler = _scheduler()
    thursday_slot = datetime(2026, 3, 5, 8, 0, tzinfo=VN)
    after = next_firing(scheduler, thursday_slot, thursday_slot + timedelta(days=7))
    assert after is not None and after.at == datetime(2026, 3, 8, 19, 0, tzinfo=VN)
    assert next_firing(scheduler, thursday_slot, thursday_slot + timedelta(hours=23)) is None
