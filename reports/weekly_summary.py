"""The weekly summary (SPEC §6, ``reports.weekly``, e.g. ``"mon 07:30"``): at that time each unit
with officers has, queued for each of its officers, the ``/stats`` figures of the previous ISO
week for the unit's scope, under a heading from the catalogue.

Sent once, like a bulletin slot: the unit's summary of a week is claimed in ``slot_runs``
(purpose ``weekly_summary``, keyed by the summarised week's start, so even a changed
``reports.weekly`` cannot bring the same week round again) in the same transaction that puts the
messages in the staff outbox. The claim and the queued messages commit together or not at all;
the outbox worker then sends them one a second per chat and, after a crash, sends what is left.
A summary missed while the bot was down goes out when it comes back, if the slot is no older
than ``bulletins.misfire_grace``; an older one is skipped, since a summary that late is noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.address import Address
from core.config_model import Config
from core.schedule_spec import ScheduleSpec
from org.directory import Directory
from org.roles import Role, role_allows
from reports.periods import Period, iso_week_label, make_period
from reports.render.report_words import report_words_for
from reports.render.stats_text import format_day, render_stats_text
from reports.stats import unit_statistics_for_config
from storage import outbox
from storage import schedules as schedule_store
from storage.db import Database

WEEKLY_SUMMARY = "weekly_summary"  # slot_runs.purpose (at most 16 characters)
LOOK_BACK_DAYS = 8  # one full week plus a day covers every weekly slot

Translate = Callable[..., str]


@dataclass(frozen=True)
class QueuedSummary:
    unit_code: str
    week_label: str
    recipients: tuple[Address, ...]


def latest_summary_slot(spec: ScheduleSpec, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The most recent firing of ``spec`` at or before ``now``, as a UTC instant."""
    local_today = now.astimezone(tz).date()
    for back in range(LOOK_BACK_DAYS):
        day = local_today - timedelta(days=back)
        moments = [datetime(day.year, day.month, day.day, slot.hour, slot.minute, tzinfo=tz)
                   for slot in spec.slots if day.weekday() in slot.weekdays]
        due = [m for m in moments if m <= now]
        if due:
            return max(due).astimezone(now.tzinfo)
    return None


def summarised_week(slot_at: datetime, tz: ZoneInfo) -> Period:
    """The ISO week before the one in which the slot fires (local time)."""
    local_day = slot_at.astimezone(tz).date()
    monday = local_day - timedelta(days=local_day.weekday(), weeks=1)
    return make_period(monday, monday + timedelta(days=6), iso_week_label(monday), tz)


def summary_recipients(directory: Directory, unit_code: str) -> tuple[Address, ...]:
    """Officers (admins included: they may do what an officer may) whose own unit this is."""
    return tuple(sorted((m.address for m in directory.all_staff()
                         if m.unit_code == unit_code and role_allows(m.role, Role.OFFICER)),
                        key=Address.sort_key))


async def queue_due_weekly_summaries(db: Database, directory: Directory, config: Config,
                                     tr: Translate, *, now: datetime) -> list[QueuedSummary]:
    """Queue, once, the summary of every unit with officers, if the latest ``reports.weekly``
    slot is due and not late by more than the grace; the summaries queued by this call."""
    tz = config.timezone
    slot_at = latest_summary_slot(config.weekly_report, tz, now)
    if slot_at is None or now - slot_at > config.bulletins.misfire_grace:
        return []
    week = summarised_week(slot_at, tz)
    words = report_words_for(config, tr)
    queued = []
    for unit in directory.tree:
        recipients = summary_recipients(directory, unit.code)
        if not recipients:
            continue
        async with db.reading() as conn:
            # Cheap look first: a restart inside the grace must not recount every unit.
            if await schedule_store.slot_has_run(conn, unit.code, WEEKLY_SUMMARY,
                                                 week.start_utc):
                continue
        stats = await unit_statistics_for_config(db, directory.tree, config, unit.code, week,
                                                 now=now)
        heading = tr("weekly_summary.heading", week=week.label.split("-W")[1],
                     first=format_day(week.first_day), last=format_day(week.last_day),
                     unit=unit.code)
        text = "\n\n".join((heading, render_stats_text(stats, words)))
        async with db.transaction() as conn:
            if not await schedule_store.claim_slot(conn, unit.code, WEEKLY_SUMMARY,
                                                   week.start_utc, now):
                continue  # another pass (the cron job, the start-up catch-up) got there first
            await outbox.enqueue_many(conn, [(address, {"text": text})
                                             for address in recipients], now=now)
        queued.append(QueuedSummary(unit.code, week.label, recipients))
    return queued
