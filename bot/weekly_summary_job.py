"""The weekly summary job (``reports.weekly``): one cron job per slot of the spec, in the
configured timezone, and a catch-up pass at start-up for a summary missed while the bot was down.

The work is ``reports.weekly_summary``; this module only feeds it the bot's services and wakes
the outbox worker, which sends the queued summaries one a second per officer.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.services import Services
from core.i18n import Translator
from reports.weekly_summary import QueuedSummary, queue_due_weekly_summaries

WEEKLY_SUMMARY_JOB_PREFIX = "weekly-summary:"

log = logging.getLogger(__name__)


async def send_weekly_summaries(services: Services) -> list[QueuedSummary]:
    """Queue the summaries now due (each unit's once) and wake the outbox worker."""
    config, tips = services.config, services.tips
    try:
        queued = await queue_due_weekly_summaries(
            services.db, services.directory, config, Translator(config.language),
            now=services.clock.now())
    except Exception:
        # Nothing was claimed for a unit whose summary failed: the next pass tries it again.
        log.exception("weekly summaries not queued")
        return []
    if queued:
        log.info("weekly summaries queued for %d unit(s)", len(queued))
        tips.wake_notifier()
    return queued


def schedule_weekly_summaries(scheduler: BaseScheduler, services: Services) -> None:
    config = services.config
    grace: timedelta = config.bulletins.misfire_grace
    for fields in config.weekly_report.cron_trigger_fields():
        job_id = (f"{WEEKLY_SUMMARY_JOB_PREFIX}{fields['day_of_week']}:"
                  f"{fields['hour']:02d}:{fields['minute']:02d}")
        scheduler.add_job(send_weekly_summaries, CronTrigger(**fields, timezone=config.timezone),
                          args=(services,), id=job_id, replace_existing=True, coalesce=True,
                          max_instances=1, misfire_grace_time=int(grace.total_seconds()))
