"""Bulletin schedule specs (SPEC §5): when a unit's groups get the next queued bulletin.

A spec is one or more slots joined by ``;``. A slot is weekday abbreviations
(``mon``…``sun``, comma-separated) or ``daily``, then a 24-hour time ``HH:MM``::

    mon,thu 08:00            daily 07:00            mon 08:00; thu 17:30

Input is case-insensitive and tolerant of extra spaces; ``ScheduleSpec.to_text()`` gives the
canonical form, which parses back to the same spec. ``cron_trigger_fields()`` turns a spec
into keyword arguments for APScheduler 3's ``CronTrigger`` without importing APScheduler, so
this module stays pure data and ``check-config`` can validate specs without a scheduler.

A refusal is a :class:`ScheduleSpecError` naming its reason by catalogue key
(``reasons.schedule.*``), so a config error line and a chat answer each say it in their own
language: ``err.text(language)`` (reason and the expected form) or ``err.reason(language)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict

from core.localized import LocalizedError

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY_WORD = "daily"
ALL_WEEKDAYS: frozenset[int] = frozenset(range(7))
DEFAULT_SCHEDULE = "mon,thu 08:00"

EXPECTED_FORM_KEY = "reasons.schedule.expected_form"

# One or two hour digits: "8:00" typed in chat is unambiguous, and to_text() writes "08:00".
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})")


class ScheduleSpecError(LocalizedError):
    """A schedule spec that cannot be used: the reason (``reasons.schedule.<reason>``) and the
    expected form; ``str()`` is the English text."""


def _fail(reason: str, **params: object) -> ScheduleSpecError:
    return ScheduleSpecError(f"reasons.schedule.{reason}", hint=EXPECTED_FORM_KEY, **params)


class CronTriggerFields(TypedDict):
    """Keyword arguments for ``apscheduler.triggers.cron.CronTrigger`` (add ``timezone=``)."""

    day_of_week: str
    hour: int
    minute: int


@dataclass(frozen=True)
class ScheduleSlot:
    """Fire at ``hour:minute`` local time on each of ``weekdays`` (0 = Monday … 6 = Sunday)."""

    weekdays: frozenset[int]
    hour: int
    minute: int

    def __post_init__(self) -> None:
        if not self.weekdays:
            raise _fail("no_weekday")
        if not self.weekdays <= ALL_WEEKDAYS:
            raise _fail("weekday_numbers", numbers=", ".join(map(str, sorted(self.weekdays))))
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise _fail("time_out_of_day", time=f"{self.hour:02d}:{self.minute:02d}")

    @property
    def is_daily(self) -> bool:
        return self.weekdays == ALL_WEEKDAYS

    def weekdays_text(self) -> str:
        if self.is_daily:
            return EVERY_DAY_WORD
        return ",".join(WEEKDAY_NAMES[day] for day in sorted(self.weekdays))

    def to_text(self) -> str:
        return f"{self.weekdays_text()} {self.hour:02d}:{self.minute:02d}"

    def cron_trigger_fields(self) -> CronTriggerFields:
        # "*" rather than the seven names: it is what CronTrigger prints back, and says "daily".
        day_of_week = "*" if self.is_daily else self.weekdays_text()
        return CronTriggerFields(day_of_week=day_of_week, hour=self.hour, minute=self.minute)


def _sort_key(slot: ScheduleSlot) -> tuple[int, int, int, tuple[int, ...]]:
    # Earliest weekday first, then time: "daily 07:00; mon 08:00" reads in firing order.
    return (min(slot.weekdays), slot.hour, slot.minute, tuple(sorted(slot.weekdays)))


@dataclass(frozen=True)
class ScheduleSpec:
    """A unit's bulletin schedule: one or more slots, no two firing at the same moment."""

    slots: tuple[ScheduleSlot, ...]

    def __post_init__(self) -> None:
        if not self.slots:
            raise _fail("empty")
        # Two slots firing at the same weekday and minute would send two bulletins at once.
        seen: dict[tuple[int, int, int], ScheduleSlot] = {}
        for slot in self.slots:
            for day in sorted(slot.weekdays):
                moment = (day, slot.hour, slot.minute)
                if moment in seen and seen[moment] == slot:
                    raise _fail("slot_twice", slot=slot.to_text())
                if moment in seen:
                    raise _fail("slots_clash", first=seen[moment].to_text(),
                                second=slot.to_text(), weekday=WEEKDAY_NAMES[day],
                                time=f"{slot.hour:02d}:{slot.minute:02d}")
                seen[moment] = slot
        # Canonical order, so that equal schedules compare equal however they were typed.
        object.__setattr__(self, "slots", tuple(sorted(self.slots, key=_sort_key)))

    def to_text(self) -> str:
        """The canonical spec string, e.g. ``"mon 08:00; thu 17:30"``."""
        return "; ".join(slot.to_text() for slot in self.slots)

    @property
    def firings_per_week(self) -> int:
        """How many bulletin slots a week this schedule gives (compare ``weekly_target``)."""
        return sum(len(slot.weekdays) for slot in self.slots)

    def cron_trigger_fields(self) -> list[CronTriggerFields]:
        return [slot.cron_trigger_fields() for slot in self.slots]


def cron_trigger_fields(spec: ScheduleSpec) -> list[CronTriggerFields]:
    """One ``CronTrigger(**fields, timezone=tz)`` keyword set per slot of ``spec``."""
    return spec.cron_trigger_fields()


def parse_schedule_spec(text: str) -> ScheduleSpec:
    """Parse ``"mon,thu 08:00"``-style text; raise ``ScheduleSpecError`` when it is not valid."""
    if not text.strip():
        raise _fail("empty")
    parts = text.split(";")
    slots: list[ScheduleSlot] = []
    for number, part in enumerate(parts, start=1):
        if not part.strip():
            raise _fail("slot_empty", number=number, count=len(parts))
        slots.append(_parse_slot(part.strip()))
    return ScheduleSpec(slots=tuple(slots))


def _parse_slot(text: str) -> ScheduleSlot:
    pieces = text.rsplit(maxsplit=1)
    if len(pieces) == 1:
        if _TIME_OF_DAY.fullmatch(text):
            raise _fail("no_weekdays", slot=text)
        if any(character.isdigit() for character in text):
            raise _fail("no_space", slot=text)
        raise _fail("no_time", slot=text)
    days_text, time_text = pieces
    if time_text.lower() in (*WEEKDAY_NAMES, EVERY_DAY_WORD):
        raise _fail("no_time", slot=text)
    hour, minute = _parse_time_of_day(time_text)
    return ScheduleSlot(weekdays=_parse_weekdays(days_text), hour=hour, minute=minute)


def _parse_time_of_day(text: str) -> tuple[int, int]:
    match = _TIME_OF_DAY.fullmatch(text)
    if match is None:
        raise _fail("not_a_time", time=text)
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise _fail("time_out_of_day", time=text)
    return hour, minute


def _parse_weekdays(text: str) -> frozenset[int]:
    names = [name.strip().lower() for name in text.split(",")]
    if names == [EVERY_DAY_WORD]:
        return ALL_WEEKDAYS
    weekdays: set[int] = set()
    for name in names:
        if not name:
            raise _fail("empty_weekday", weekdays=text)
        if name == EVERY_DAY_WORD:
            raise _fail("daily_with_weekdays")
        if name not in WEEKDAY_NAMES:
            raise _fail("unknown_weekday", weekday=name)
        day = WEEKDAY_NAMES.index(name)
        if day in weekdays:
            raise _fail("weekday_twice", weekday=name)
        weekdays.add(day)
    return frozenset(weekdays)
