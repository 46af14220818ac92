"""``:time`` in the running shell: the clock moved to each fire time on the way, the jobs due
there run (``time_travel``), the bot left to settle, and what it sent printed under the time
that caused it. The Zalo OA emulator reads the same clock, so its reply windows and token
lifetimes move too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.job import Job

from core.i18n import has_key

from .launch import ShellWorld
from .time_travel import job_kind, next_firing, run_job

Write = Callable[[str], None]
Translate = Callable[..., str]


def _requests_made(world: ShellWorld) -> int:
    telegram = sum(1 for call in world.fake.calls if call.method != "getUpdates")
    return telegram + len(world.zalo.emulator.calls)


def _job_label(job: Job, tr: Translate) -> str:
    key = f"shell.jobs.{job_kind(job)}"
    return tr(key) if has_key(key) else job_kind(job)


async def move_clock(world: ShellWorld, delta: timedelta, new_lines: Callable[[], list[str]],
                     write: Write, tr: Translate, format_time: Callable[[datetime], str], *,
                     settle_seconds: float) -> None:
    """Run every job due in the next ``delta``, at its own time, then stop at the end time."""
    clock, scheduler, settling = world.clock, world.running.scheduler, world.settling
    end = clock.now() + delta
    while (firing := next_firing(scheduler, clock.now(), end)) is not None:
        clock.set(firing.at)
        calls_before = _requests_made(world)
        for job in firing.jobs:
            await run_job(job)
        # Most firings (the hourly ones) do nothing: they skip the settle's short waits.
        if _requests_made(world) != calls_before or not await settling.quiet_now():
            await settling.settle(settle_seconds)
        lines = new_lines()
        if lines:  # a job that did nothing visible (most hourly ones) is not reported
            jobs = ", ".join(dict.fromkeys(_job_label(job, tr) for job in firing.jobs))
            write(tr("shell.time_fired", time=format_time(firing.at), job=jobs))
            for line in lines:
                write(line)
    clock.set(end)
    write(tr("shell.time_moved", time=format_time(end)))
