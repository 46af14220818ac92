"""What happens at a schedule slot (SPEC §5): every active group of the unit gets the next
queued bulletin it has not had; a group with nothing new gets nothing (never an old one again).

A slot is claimed in ``slot_runs`` under a unique constraint before anything is planned, in the
same transaction as the plan, so a slot runs once however often it is looked at: by its cron job,
by the catch-up after a restart (a slot missed while the bot was down, within
``bulletins.misfire_grace``), or by two processes at once. What staff are told about the slot
(its "queue ran dry" notices, ``told``) is queued in the staff outbox in that transaction too:
a claimed slot always has its notices, and a slot whose notices were not queued was not
claimed either, so the catch-up after a crash runs it again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.address import Address
from core.schedule_spec import ScheduleSpec, parse_schedule_spec
from org.units import UnitTree
from storage import bulletins as bulletin_store
from storage import deliveries as delivery_store
from storage import outbox
from storage import schedules as schedule_store
from storage.db import Database
from storage.sms_subscribers import SMS_CHANNEL

from .staff_outbox import StaffNotice

LOOK_BACK_DAYS = 8  # one full week plus a day covers every weekly slot

log = logging.getLogger(__name__)


def latest_slot_at(spec: ScheduleSpec, timezone: ZoneInfo, now: datetime) -> datetime | None:
    """The most recent slot instant at or before ``now`` (UTC), in the unit's local time."""
    local_today = now.astimezone(timezone).date()
    best: datetime | None = None
    for back in range(LOOK_BACK_DAYS):
        day = local_today - timedelta(days=back)
        for slot in spec.slots:
            if day.weekday() not in slot.weekdays:
                continue
            moment = datetime(day.year, day.month, day.day, slot.hour, slot.minute,
                              tzinfo=timezone).astimezone(now.tzinfo)
            if moment <= now and (best is None or moment > best):
                best = moment
        if best is not None:
            return best
    return best


@dataclass(frozen=True)
class SlotRun:
    unit_code: str
    slot_at: datetime
    dispatch_id: int | None  # None: no group had anything new
    delivery_ids: list[int]
    groups: int
    groups_without_news: int
    # Of those, SMS subscribers (officers read "người nhận SMS" for them).
    sms: int = 0
    sms_without_news: int = 0
    # The staff chats its notices were queued for in the outbox (to wake its worker for).
    told: frozenset[Address] = frozenset()


# What staff are told about a slot that ran: outbox rows, queued with the slot's claim.
Told = Callable[[SlotRun], Sequence[StaffNotice]]


def _tell_nobody(run: SlotRun) -> Sequence[StaffNotice]:
    return ()


@dataclass(frozen=True)
class EffectiveSchedule:
    spec: ScheduleSpec
    owner: str | None  # the unit whose override applies; None: the configured default
    set_at: datetime | None  # when that override was set


def effective_schedule(tree: UnitTree, unit_code: str, default: ScheduleSpec,
                       overrides: Mapping[str, tuple[str, datetime]]) -> EffectiveSchedule:
    """A unit follows its own schedule, else the nearest unit above it with one (a commune's
    schedule covers its hamlets' groups), else the configured default."""
    for code in [unit_code, *(u.code for u in tree.ancestors(unit_code))]:
        found = overrides.get(code)
        if found is not None:
            return EffectiveSchedule(parse_schedule_spec(found[0]), code, found[1])
    return EffectiveSchedule(default, None, None)


async def run_due_slots(db: Database, tree: UnitTree, default: ScheduleSpec,
                        timezone: ZoneInfo, grace: timedelta, now: datetime,
                        told: Told = _tell_nobody) -> list[SlotRun]:
    """Run, once, the latest slot of every unit with active groups, if it is due and not late
    by more than ``grace``; ``told`` says what staff hear of each run (queued with it)."""
    async with db.reading() as conn:
        overrides = await schedule_store.unit_schedule_overrides(conn)
        unit_codes = await delivery_store.units_with_active_groups(conn, [u.code for u in tree])
    runs = []
    for unit_code in unit_codes:
        schedule = effective_schedule(tree, unit_code, default, overrides)
        slot_at = latest_slot_at(schedule.spec, timezone, now)
        if slot_at is None or now - slot_at > grace:
            continue
        if schedule.set_at is not None and slot_at < schedule.set_at:
            continue  # before this schedule existed: not a missed slot
        async with db.reading() as conn:
            last = await schedule_store.last_slot_run(conn, unit_code,
                                                      schedule_store.BULLETIN_SLOT)
            if last is not None and slot_at <= last:
                continue  # a schedule change must not bring back a slot older than one run
            # Read only for a slot that runs: at start-up usually none is due.
            unit_groups = await delivery_store.active_groups(conn, [unit_code])
        try:
            run = await _run_slot(db, tree, unit_code, unit_groups, slot_at, now, told)
        except Exception:
            log.exception("slot of unit %s failed; the other units go on", unit_code)
            continue
        if run is not None:
            runs.append(run)
    return runs


async def _run_slot(db: Database, tree: UnitTree, unit_code: str,
                    unit_groups: list[delivery_store.TargetGroup], slot_at: datetime,
                    now: datetime, told: Told) -> SlotRun | None:
    # The group's own unit and every unit above it may have queued bulletins for it.
    sources = [unit_code, *(u.code for u in tree.ancestors(unit_code))]
    async with db.transaction() as conn:
        if not await schedule_store.claim_slot(conn, unit_code, schedule_store.BULLETIN_SLOT,
                                               slot_at, now):
            return None
        pairs = []
        sms_without_news = 0
        # Each group's next bulletin (as ``next_bulletin_for_group``), with one query per queued
        # bulletin instead of one per group: a commune of a province has 25,000 groups.
        queued = await bulletin_store.queued_bulletin_ids(conn, sources)
        had = {b: await bulletin_store.groups_that_had(conn, b) for b in queued}
        for group in unit_groups:
            bulletin_id = next((b for b in queued if group.group_id not in had[b]), None)
            if bulletin_id is not None:
                pairs.append((bulletin_id, group.group_id))
            elif group.address.channel == SMS_CHANNEL:
                sms_without_news += 1
        dispatch_id, ids = None, []
        if pairs:
            dispatch_id = await delivery_store.insert_dispatch(
                conn, kind="slot", unit_code=unit_code, requested_by=None, now=now)
            ids = await delivery_store.plan_deliveries(conn, dispatch_id, pairs, now)
        run = SlotRun(unit_code, slot_at, dispatch_id, ids, len(unit_groups),
                      len(unit_groups) - len(pairs),
                      sum(1 for g in unit_groups if g.address.channel == SMS_CHANNEL),
                      sms_without_news)
        notices = told(run)
        if notices:
            await outbox.enqueue_many(conn, notices, now=now)
    return dataclasses.replace(run, told=frozenset(address for address, _ in notices))
