"""Weekly compliance (SPEC §5, §6): bulletins per group per ISO week against
``bulletins.weekly_target``. The reports issue calls :func:`weekly_compliance`; the Sunday-evening
job calls :func:`groups_below_target` to warn officers while the week can still be saved."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.address import Address
from storage.compliance import bulletins_per_group
from storage.db import Database


@dataclass(frozen=True)
class IsoWeek:
    label: str  # "2026-W10"
    start: datetime  # Monday 00:00 local, as an aware datetime
    end: datetime  # the next Monday 00:00 local


def iso_week_of(moment: datetime, timezone: ZoneInfo) -> IsoWeek:
    local = moment.astimezone(timezone).date()
    monday = local - timedelta(days=local.weekday())
    return iso_week_starting(monday, timezone)


def iso_week_starting(monday: date, timezone: ZoneInfo) -> IsoWeek:
    year, week, _ = monday.isocalendar()
    start = datetime(monday.year, monday.month, monday.day, tzinfo=timezone)
    following = monday + timedelta(days=7)
    end = datetime(following.year, following.month, following.day, tzinfo=timezone)
    return IsoWeek(f"{year}-W{week:02d}", start, end)


@dataclass(frozen=True)
class GroupWeek:
    address: Address
    title: str
    unit_code: str
    week: str
    bulletins: int
    target: int

    @property
    def below_target(self) -> bool:
        return self.bulletins < self.target


async def weekly_compliance(db: Database, unit_codes: Collection[str], week: IsoWeek,
                            target: int) -> list[GroupWeek]:
    """Every active group of ``unit_codes`` with the bulletins it received in ``week``."""
    async with db.reading() as conn:
        tallies = await bulletins_per_group(conn, unit_codes, week.start, week.end)
    return [GroupWeek(t.address, t.title, t.unit_code, week.label, t.bulletins, target)
            for t in tallies]


async def groups_below_target(db: Database, unit_codes: Collection[str], now: datetime,
                              timezone: ZoneInfo, target: int) -> list[GroupWeek]:
    week = iso_week_of(now, timezone)
    return [g for g in await weekly_compliance(db, unit_codes, week, target) if g.below_target]
