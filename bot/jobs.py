"""Recurring jobs of the running bot, on APScheduler in the configured timezone."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot

from bot.services import Services
from bot.weekly_summary_job import schedule_weekly_summaries
from org.groups import refresh_all_member_counts
from tips.abandoned_drafts import expire_abandoned_drafts
from tips.followup_links import purge_relay_links

# A quiet hour: one member count per group (Telegram's getChatMemberCount, Zalo's getgroup),
# once a day, each through its own channel (``services.group_directories``).
MEMBER_COUNT_HOUR = 3


def start_jobs(bot: Bot, services: Services) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=services.config.timezone)
    scheduler.add_job(refresh_all_member_counts, "cron", hour=MEMBER_COUNT_HOUR, minute=0,
                      args=(services.db, services.group_directories, services.clock),
                      id="member_counts", coalesce=True, misfire_grace_time=6 * 3600)
    scheduler.add_job(purge_relay_links, "interval", hours=1, args=(services,),
                      id="relay_purge", coalesce=True)
    scheduler.add_job(expire_abandoned_drafts, "interval", hours=1, args=(services,),
                      id="draft_expiry", coalesce=True)
    schedule_weekly_summaries(scheduler, services)
    scheduler.start()
    return scheduler
