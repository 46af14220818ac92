"""The PERIOD grammar of /stats, /report and the CLI (SPEC §6)."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from reports.periods import (
    Period,
    PeriodError,
    default_period,
    iso_week_label,
    parse_period,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# Thursday 5 March 2026, 10:00 in Vietnam (03:00 UTC): an ordinary moment for absolute periods.
NOW = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)


def period(text: str, now: datetime = NOW) -> Period:
    return parse_period(text, now=now, tz=VIETNAM)


def days(found: Period) -> tuple[date, date]:
    return found.first_day, found.last_day


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


# --- absolute periods -------------------------------------------------------------------------


def test_default_period_is_month():
    assert default_period == "month"
    assert period(default_period).label == "2026-03"


def test_year_covers_january_to_december():
    found = period("2026")
    assert days(found) == (date(2026, 1, 1), date(2026, 12, 31))
    assert found.label == "2026"


def test_month_knows_its_length():
    assert days(period("2026-02")) == (date(2026, 2, 1), date(2026, 2, 28))
    assert days(period("2028-02")) == (date(2028, 2, 1), date(2028, 2, 29))
    assert days(period("2026-12")) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period("2026-3").label == "2026-03"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarters_are_three_calendar_months(text, first, last):
    found = period(text)
    assert days(found) == (first, last)
    assert found.label == text.upper()


def test_iso_week_runs_monday_to_sunday():
    found = period("2026-w07")
    assert days(found) == (date(2026, 2, 9), date(2026, 2, 15))
    assert found.label == "2026-W07"
    assert period("2026-W7").label == "2026-W07"


def test_iso_week_1_may_start_in_the_previous_calendar_year():
    assert days(period("2026-W01")) == (date(2025, 12, 29), date(2026, 1, 4))
    assert days(period("2021-W01")) == (date(2021, 1, 4), date(2021, 1, 10))


def test_iso_week_53_exists_only_in_long_years():
    # 53 weeks when 1 January is a Thursday (2026), or a Wednesday in a leap year (2020).
    assert days(period("2020-W53")) == (date(2020, 12, 28), date(2021, 1, 3))
    assert days(period("2026-W53")) == (date(2026, 12, 28), date(2027, 1, 3))
    for short_year in ("2021", "2025", "2027"):
        with pytest.raises(PeriodError, match=f"{short_year} has ISO weeks W01 to W52, not W53"):
            period(f"{short_year}-W53")


def test_iso_week_label_uses_the_iso_year_across_new_year():
    assert iso_week_label(date(2027, 1, 1)) == "2026-W53"
    assert iso_week_label(date(2021, 1, 3)) == "2020-W53"
    assert iso_week_label(date(2025, 12, 29)) == "2026-W01"


def test_range_is_inclusive_at_both_ends():
    found = period("2026-03-01..2026-03-10")
    assert days(found) == (date(2026, 3, 1), date(2026, 3, 10))
    assert found.day_count == 10
    assert found.label == "2026-03-01..2026-03-10"


def test_range_tolerates_spaces_and_short_numbers_and_labels_them_canonically():
    assert period(" 2026-3-1 .. 2026-03-10 ").label == "2026-03-01..2026-03-10"


def test_range_of_one_day_is_allowed():
    assert days(period("2026-03-05..2026-03-05")) == (date(2026, 3, 5), date(2026, 3, 5))


def test_range_may_span_exactly_ten_years():
    found = period("2020-01-01..2029-12-31")
    assert days(found) == (date(2020, 1, 1), date(2029, 12, 31))
    assert days(period("2020-02-29..2030-02-28"))[1] == date(2030, 2, 28)


def test_single_day_parses_so_that_todays_label_round_trips():
    found = period("2026-03-05")
    assert days(found) == (date(2026, 3, 5), date(2026, 3, 5))
    assert found.label == "2026-03-05"


def test_period_text_is_case_insensitive():
    assert period("TODAY") == period("today")
    assert period("Month") == period("month")
    assert period("2026-q3") == period("2026-Q3")
    assert period("2026-w07") == period("2026-W07")


# --- relative periods -------------------------------------------------------------------------


def test_relative_words_resolve_to_canonical_labels():
    assert period("today").label == "2026-03-05"
    assert period("week").label == "2026-W10"
    assert period("month").label == "2026-03"
    assert period("quarter").label == "2026-Q1"
    assert period("year").label == "2026"


def test_relative_words_cover_the_whole_unit_containing_today():
    assert days(period("today")) == (date(2026, 3, 5), date(2026, 3, 5))
    assert days(period("week")) == (date(2026, 3, 2), date(2026, 3, 8))
    assert days(period("month")) == (date(2026, 3, 1), date(2026, 3, 31))
    assert days(period("quarter")) == (date(2026, 1, 1), date(2026, 3, 31))
    assert days(period("year")) == (date(2026, 1, 1), date(2026, 12, 31))


def test_today_at_local_midnight_is_already_the_new_day_while_utc_is_the_previous_day():
    # 17:00 UTC on Sunday 8 March is 00:00 on Monday 9 March in Vietnam (UTC+7).
    just_after_midnight = utc(2026, 3, 8, 17, 0)
    assert period("today", just_after_midnight).label == "2026-03-09"
    assert period("week", just_after_midnight).label == "2026-W11"
    assert days(period("week", just_after_midnight)) == (date(2026, 3, 9), date(2026, 3, 15))


def test_today_at_local_2359_is_still_the_local_day():
    just_before_midnight = utc(2026, 3, 8, 16, 59)  # 23:59 on Sunday 8 March in Vietnam
    assert period("today", just_before_midnight).label == "2026-03-08"
    assert period("week", just_before_midnight).label == "2026-W10"


def test_local_new_year_moves_month_quarter_and_year_before_utc_does():
    new_year_in_vietnam = utc(2026, 12, 31, 17, 0)  # 00:00 on 1 January 2027 in Vietnam
    assert period("today", new_year_in_vietnam).label == "2027-01-01"
    assert period("month", new_year_in_vietnam).label == "2027-01"
    assert period("quarter", new_year_in_vietnam).label == "2027-Q1"
    assert period("year", new_year_in_vietnam).label == "2027"
    # ...while the ISO week is still the last one of 2026.
    assert period("week", new_year_in_vietnam).label == "2026-W53"
    assert days(period("week", new_year_in_vietnam)) == (date(2026, 12, 28), date(2027, 1, 3))


def test_now_in_another_timezone_is_converted_to_the_configured_one():
    new_york_evening = datetime(2026, 3, 8, 13, 30, tzinfo=timezone(timedelta(hours=-4)))
    assert period("today", new_york_evening).label == "2026-03-09"  # 00:30 in Vietnam


def test_naive_now_is_a_programming_error_not_a_period_error():
    with pytest.raises(ValueError, match="aware") as caught:
        parse_period("today", now=datetime(2026, 3, 5), tz=VIETNAM)
    assert not isinstance(caught.value, PeriodError)


# --- UTC bounds -------------------------------------------------------------------------------


def test_utc_bounds_are_local_midnights_start_inclusive_end_exclusive():
    found = period("2026-03")
    assert found.start_utc == utc(2026, 2, 28, 17, 0)
    assert found.end_utc == utc(2026, 3, 31, 17, 0)
    assert found.start_utc.utcoffset() == timedelta(0)


def test_utc_bounds_of_today_span_one_local_day():
    found = period("today", utc(2026, 3, 8, 17, 0))
    assert found.start_utc == utc(2026, 3, 8, 17, 0)
    assert found.end_utc == utc(2026, 3, 9, 17, 0)


def test_utc_bounds_follow_the_timezone_given():
    found = parse_period("2026-03-05", now=NOW, tz=ZoneInfo("UTC"))
    assert (found.start_utc, found.end_utc) == (utc(2026, 3, 5), utc(2026, 3, 6))


# --- weeks touched ----------------------------------------------------------------------------


def test_weeks_lists_every_iso_week_the_period_touches_including_partial_ones():
    assert period("2026-03").weeks() == (
        "2026-W09",
        "2026-W10",
        "2026-W11",
        "2026-W12",
        "2026-W13",
        "2026-W14",
    )


def test_weeks_of_a_week_is_that_week():
    assert period("2026-W07").weeks() == ("2026-W07",)


def test_weeks_cross_the_year_end_with_iso_years():
    assert period("2020-12-30..2021-01-05").weeks() == ("2020-W53", "2021-W01")
    assert period("2027").weeks()[0] == "2026-W53"
    assert period("2027").weeks()[-1] == "2027-W52"


def test_weeks_of_a_year_number_52_or_53_and_more_when_partial():
    assert len(period("2026").weeks()) == 53
    assert len(period("2021").weeks()) == 53  # 2020-W53 (1-3 Jan) plus W01..W52


# --- canonical labels round-trip --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "today",
        "week",
        "month",
        "quarter",
        "year",
        "2026",
        "2026-03",
        "2026-Q1",
        "2026-W07",
        "2020-W53",
        "2026-03-05",
        "2026-03-01..2026-03-10",
    ],
)
def test_canonical_label_parses_back_to_the_same_period(text):
    found = period(text)
    assert period(found.label) == found


# --- errors -----------------------------------------------------------------------------------

ACCEPTED = (
    "today, week, month, quarter, year, YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or YYYY-MM-DD..YYYY-MM-DD"
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the period is empty"),
        ("  ", "the period is empty"),
        ("last-month", 'unknown period "last-month"'),
        ("weeks", 'unknown period "weeks"'),
        ("26", 'unknown period "26"'),
        ("2026-13", "month 13 does not exist, use 01 to 12"),
        ("2026-00", "month 00 does not exist, use 01 to 12"),
        ("2026-Q5", "quarter Q5 does not exist, use Q1 to Q4"),
        ("2026-Q0", "quarter Q0 does not exist, use Q1 to Q4"),
        ("2026-W00", "2026 has ISO weeks W01 to W53, not W00"),
        ("2026-W54", "2026 has ISO weeks W01 to W53, not W54"),
        ("2021-W53", "2021 has ISO weeks W01 to W52, not W53"),
        ("2026-02-30", '"2026-02-30" is not a calendar date'),
        ("2026-02-29", '"2026-02-29" is not a calendar date'),
        ("2026-02-01..2026-02-30", '"2026-02-30" is not a calendar date'),
        ("2026-03-10..2026-03-01", "the range ends (2026-03-01) before it starts (2026-03-10)"),
        ("2020-01-01..2030-01-01", "a range may span at most 10 years"),
        ("2026-03..2026-05", '"2026-03" is not a date YYYY-MM-DD'),
        ("2026-03-01..", 'unknown period "2026-03-01.."'),
        ("1969", "year 1969 is out of range 1970 to 2999"),
        ("3000-01", "year 3000 is out of range 1970 to 2999"),
    ],
)
def test_invalid_period_is_refused_with_the_reason_and_the_accepted_forms(text, problem):
    with pytest.raises(PeriodError) as caught:
        period(text)
    assert problem in str(caught.value)
    assert ACCEPTED in str(caught.value)


def test_period_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)
