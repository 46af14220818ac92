"""Report periods (SPEC §6): the PERIOD argument of ``/stats``, ``/report`` and the CLI.

PERIOD is one of ``today``, ``week``, ``month``, ``quarter``, ``year`` (relative to the
caller's clock, in the configured timezone), ``YYYY``, ``YYYY-MM``, ``YYYY-Qn``, ``YYYY-Www``
(ISO week) or ``YYYY-MM-DD..YYYY-MM-DD`` (inclusive). A single ``YYYY-MM-DD`` is accepted too,
so that every canonical label (``today`` resolves to one) parses back to the same period.

``parse_period`` never reads the system clock: the caller passes ``now`` from the one clock
object (SPEC §12), which is what lets tests pin midnight in Asia/Ho_Chi_Minh.

A refusal is a :class:`PeriodError` naming its reason by catalogue key (``reasons.period.*``):
``err.text(language)`` is the reason and the accepted forms, ``err.reason(language)`` the reason
alone, each in the language of whoever asked (core/localized.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

from core.localized import LocalizedError

default_period: Final = "month"

ACCEPTED_FORMS_KEY = "reasons.period.accepted_forms"
# Years outside this range are typing mistakes, and the bounds keep UTC conversion in range.
MIN_YEAR: Final = 1970
MAX_YEAR: Final = 2999
MAX_RANGE_YEARS: Final = 10

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-q(\d)")
_ISO_WEEK = re.compile(r"(\d{4})-w(\d{1,2})")
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_RANGE = re.compile(r"(?P<first>\S+?)\s*\.\.\s*(?P<last>\S+)")


class PeriodError(LocalizedError):
    """A PERIOD that cannot be used: the reason (``reasons.period.<reason>``) and the accepted
    forms; ``str()`` is the English text."""


def _fail(reason: str, **params: object) -> PeriodError:
    return PeriodError(f"reasons.period.{reason}", hint=ACCEPTED_FORMS_KEY, **params)


@dataclass(frozen=True)
class Period:
    """Whole local days ``first_day``…``last_day`` (inclusive) and the UTC instants bounding them.

    ``start_utc`` is local midnight at the start of ``first_day``; ``end_utc`` is local midnight
    after ``last_day`` (exclusive), so a query is ``start_utc <= at < end_utc``.
    """

    first_day: date
    last_day: date
    label: str
    start_utc: datetime
    end_utc: datetime

    @property
    def day_count(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def weeks(self) -> tuple[str, ...]:
        """Labels (``YYYY-Www``) of every ISO week this period touches, partial ones included."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        labels: list[str] = []
        while monday <= self.last_day:
            labels.append(iso_week_label(monday))
            monday += timedelta(weeks=1)
        return tuple(labels)


def iso_week_label(day: date) -> str:
    """The ISO week of ``day``: ``2027-01-01`` -> ``"2026-W53"`` (ISO year, not calendar year)."""
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def make_period(first_day: date, last_day: date, label: str, tz: tzinfo) -> Period:
    """A ``Period`` for local days ``first_day``…``last_day`` in ``tz``."""
    if last_day < first_day:
        raise _fail("ends_before_start", first=first_day.isoformat(), last=last_day.isoformat())
    return Period(
        first_day=first_day,
        last_day=last_day,
        label=label,
        start_utc=_local_midnight_in_utc(first_day, tz),
        end_utc=_local_midnight_in_utc(last_day + timedelta(days=1), tz),
    )


def _local_midnight_in_utc(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def parse_period(text: str, *, now: datetime, tz: ZoneInfo) -> Period:
    """Parse PERIOD ``text`` (case-insensitive); relative words resolve against ``now`` in ``tz``.

    Raise ``PeriodError`` for text a person typed wrong, ``ValueError`` for a naive ``now``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (take it from the clock object)")
    cleaned = text.strip().lower()
    if not cleaned:
        raise _fail("empty")
    if cleaned in _RELATIVE_WORDS:
        first_day, last_day, label = _RELATIVE_WORDS[cleaned](now.astimezone(tz).date())
        return make_period(first_day, last_day, label, tz)
    if match := _RANGE.fullmatch(cleaned):
        return _parse_range(match["first"], match["last"], tz)
    first_day, last_day, label = _parse_absolute(cleaned)
    return make_period(first_day, last_day, label, tz)


_Days = tuple[date, date, str]


def _today(today: date) -> _Days:
    return today, today, today.isoformat()


def _this_week(today: date) -> _Days:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6), iso_week_label(today)


def _this_month(today: date) -> _Days:
    return _month(today.year, today.month)


def _this_quarter(today: date) -> _Days:
    return _quarter(today.year, (today.month - 1) // 3 + 1)


def _this_year(today: date) -> _Days:
    return _year(today.year)


_RELATIVE_WORDS = {
    "today": _today,
    "week": _this_week,
    "month": _this_month,
    "quarter": _this_quarter,
    "year": _this_year,
}


def _year(year: int) -> _Days:
    return date(year, 1, 1), date(year, 12, 31), f"{year:04d}"


def _month(year: int, month: int) -> _Days:
    first_day = date(year, month, 1)
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return first_day, next_month - timedelta(days=1), f"{year:04d}-{month:02d}"


def _quarter(year: int, quarter: int) -> _Days:
    first_day, _, _ = _month(year, 3 * quarter - 2)
    _, last_day, _ = _month(year, 3 * quarter)
    return first_day, last_day, f"{year:04d}-Q{quarter}"


def _iso_week(year: int, week: int) -> _Days:
    monday = date.fromisocalendar(year, week, 1)
    return monday, monday + timedelta(days=6), f"{year:04d}-W{week:02d}"


def _parse_absolute(text: str) -> _Days:
    if match := _YEAR.fullmatch(text):
        return _year(_checked_year(match[1]))
    if match := _MONTH.fullmatch(text):
        year, month = _checked_year(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise _fail("no_such_month", month=f"{month:02d}")
        return _month(year, month)
    if match := _QUARTER.fullmatch(text):
        year, quarter = _checked_year(match[1]), int(match[2])
        if not 1 <= quarter <= 4:
            raise _fail("no_such_quarter", quarter=f"Q{quarter}")
        return _quarter(year, quarter)
    if match := _ISO_WEEK.fullmatch(text):
        year, week = _checked_year(match[1]), int(match[2])
        weeks_in_year = date(year, 12, 28).isocalendar().week  # 28 Dec is always in the last week
        if not 1 <= week <= weeks_in_year:
            raise _fail("no_such_week", year=year, last=f"W{weeks_in_year}",
                        week=f"W{week:02d}")
        return _iso_week(year, week)
    if _DAY.fullmatch(text):
        day = _parse_day(text)
        return day, day, day.isoformat()
    raise _fail("unknown", period=text)


def _parse_range(first_text: str, last_text: str, tz: tzinfo) -> Period:
    first_day, last_day = _parse_day(first_text), _parse_day(last_text)
    if last_day < first_day:
        raise _fail("range_ends_before_start", first=first_day.isoformat(),
                    last=last_day.isoformat())
    if last_day >= _years_later(first_day, MAX_RANGE_YEARS):
        raise _fail("range_too_long", years=MAX_RANGE_YEARS)
    return make_period(first_day, last_day, f"{first_day}..{last_day}", tz)


def _parse_day(text: str) -> date:
    match = _DAY.fullmatch(text)
    if match is None:
        raise _fail("not_a_date", date=text)
    year, month, day = _checked_year(match[1]), int(match[2]), int(match[3])
    try:
        return date(year, month, day)
    except ValueError:
        raise _fail("no_such_date", date=text) from None


def _checked_year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail("year_out_of_range", year=year, first=MIN_YEAR, last=MAX_YEAR)
    return year


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none: the day after 28 February
        return date(day.year + years, 3, 1)
