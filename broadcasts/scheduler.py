"""Bulletin jobs on APScheduler 3, in the configured timezone: one cron job per distinct slot
of any unit's schedule (rebuilt from the database at start-up and whenever /schedule changes a
unit), and the Sunday-evening compliance warning.

Every slot job asks the desk to run *all* due slots: the desk works out which units are due and
claims each slot once in the database, so two slots at the same minute, a job that fires late,
and the start-up catch-up can never send a slot twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from .desk import BulletinDesk

log = logging.getLogger(__name__)

SLOT_JOB_PREFIX = "bulletin-slot:"
COMPLIANCE_JOB_ID = "bulletin-compliance"
COMPLIANCE_DAY, COMPLIANCE_HOUR = "sun", 19  # Sunday evening: the week can still be saved


class BulletinJobs:
    def __init__(self, scheduler: BaseScheduler, desk: BulletinDesk) -> None:
        self._scheduler = scheduler
        self._desk = desk
        self._timezone = desk.config.timezone
        self._grace = desk.config.bulletins.misfire_grace
        desk.schedule_changed = self.request_rebuild

    async def start(self) -> None:
        await self.rebuild()
        self._scheduler.add_job(
            self._desk.warn_below_target, CronTrigger(day_of_week=COMPLIANCE_DAY,
                                                      hour=COMPLIANCE_HOUR,
                                                      timezone=self._timezone),
            id=COMPLIANCE_JOB_ID, replace_existing=True, coalesce=True,
            misfire_grace_time=int(timedelta(hours=4).total_seconds()))
        # Catch-up: a slot missed while the bot was down runs now, once, if within the grace.
        await self._desk.run_due_slots()

    def request_rebuild(self) -> None:
        asyncio.get_running_loop().create_task(self.rebuild())

    async def rebuild(self) -> None:
        wanted: dict[str, dict[str, object]] = {}
        for spec in await self._desk.all_schedules():
            for fields in spec.cron_trigger_fields():
                job_id = (f"{SLOT_JOB_PREFIX}{fields['day_of_week']}:"
                          f"{fields['hour']:02d}:{fields['minute']:02d}")
                wanted[job_id] = dict(fields)
        for job in self._scheduler.get_jobs():
            if job.id.startswith(SLOT_JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, fields in wanted.items():
            self._scheduler.add_job(
                self._desk.run_due_slots, CronTrigger(**fields, timezone=self._timezone),
                id=job_id, replace_existing=True, coalesce=True, max_instances=1,
                misfire_grace_time=int(self._grace.total_seconds()))
        log.info("bulletin slot jobs: %d", len(wanted))

    def slot_job_ids(self) -> list[str]:
        return sorted(j.id for j in self._scheduler.get_jobs() if j.id.startswith(SLOT_JOB_PREFIX))
