"""Bulletin jobs on APScheduler 3, in the configured timezone: one cron job per distinct slot
of any unit's schedule (rebuilt from the database at start-up and whenever /schedule changes a
unit), and the Sunday-evening compliance warning.

Rebuilds are serialised: /schedule asks for one and returns, and a rebuild runs in a task the
jobs object keeps; a request while one runs marks the jobs stale, and the running task goes round
once more, reading the database again - so the jobs end as the database says (last writer
wins), never as an older rebuild that happened to finish last.

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
        self._rebuild_lock = asyncio.Lock()
        self._rebuild_task: asyncio.Task[None] | None = None
        self._stale = False
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
        self._stale = True
        if self._rebuild_task is None or self._rebuild_task.done():
            self._rebuild_task = asyncio.get_running_loop().create_task(
                self._rebuild_while_stale(), name="bulletin-jobs-rebuild")

    async def rebuilt(self) -> None:
        """Wait for requested rebuilds to finish (tests, and a clean stop)."""
        while self._rebuild_task is not None and not self._rebuild_task.done():
            await asyncio.shield(self._rebuild_task)

    async def stop(self) -> None:
        if self._rebuild_task is not None and not self._rebuild_task.done():
            self._rebuild_task.cancel()
            await asyncio.gather(self._rebuild_task, return_exceptions=True)

    async def _rebuild_while_stale(self) -> None:
        while self._stale:
            self._stale = False
            try:
                await self.rebuild()
            except Exception:
                # The schedule is stored; the jobs catch up at the next change or restart.
                log.exception("bulletin slot jobs not rebuilt")

    async def rebuild(self) -> None:
        async with self._rebuild_lock:
            await self._rebuild()

    async def _rebuild(self) -> None:
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
