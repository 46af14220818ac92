"""``:time +3d``: move the shell's clock forward and run, in order, every scheduled job that came
due on the way: bulletin slots, the weekly target check, member counts, whatever the running
bot has put on its scheduler.

In the shell the APScheduler scheduler is paused (wall-clock time must not fire anything: time
is the ManualClock's). Its jobs and triggers stay the real ones, so the fire times are worked
out by the same triggers that fire them in production, and each job is called as APScheduler
would call it, with the clock standing at its fire time.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger(__name__)

ONE_TICK = timedelta(microseconds=1)  # "strictly after": a job never fires twice at one time


@dataclass(frozen=True)
class Firing:
    at: datetime
    jobs: list[Job]


def next_firing(scheduler: BaseScheduler, after: datetime, until: datetime) -> Firing | None:
    """The earliest fire time in (after, until] of any job, with every job due at that time
    (ordered by id, so a transcript is the same every run)."""
    times: dict[datetime, list[Job]] = {}
    for job in scheduler.get_jobs():
        at = job.trigger.get_next_fire_time(None, after + ONE_TICK)
        if at is not None and at <= until:
            times.setdefault(at, []).append(job)
    if not times:
        return None
    earliest = min(times)
    return Firing(earliest, sorted(times[earliest], key=lambda job: job.id))


async def run_job(job: Job) -> None:
    """Call the job's function as APScheduler's executor does; a failure is logged, as there."""
    try:
        result = job.func(*job.args, **job.kwargs)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("scheduled job %s failed", job.id)


def job_kind(job: Job) -> str:
    """``bulletin-slot:mon,thu:08:00`` → ``bulletin-slot``: the part that names the job."""
    return job.id.split(":", 1)[0]
