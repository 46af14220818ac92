"""Bulletin schedule specs and quiet hours (SPEC §5, §9)."""

from datetime import time

import pytest

from core.quiet_hours import QuietHours, QuietHoursError, parse_quiet_hours
from core.schedule_spec import (
    DEFAULT_SCHEDULE,
    ScheduleSlot,
    ScheduleSpec,
    ScheduleSpecError,
    cron_trigger_fields,
    parse_schedule_spec,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


# --- valid specs ------------------------------------------------------------------------------


def test_default_schedule_is_monday_and_thursday_at_eight():
    spec = parse_schedule_spec(DEFAULT_SCHEDULE)
    assert spec == ScheduleSpec(slots=(ScheduleSlot(frozenset({MON, THU}), 8, 0),))
    assert spec.firings_per_week == 2


def test_daily_means_every_weekday():
    spec = parse_schedule_spec("daily 07:00")
    assert spec.slots == (ScheduleSlot(frozenset(range(7)), 7, 0),)
    assert spec.slots[0].is_daily
    assert spec.firings_per_week == 7


def test_several_slots_are_joined_by_semicolons():
    spec = parse_schedule_spec("mon 08:00; thu 17:30")
    assert spec.slots == (
        ScheduleSlot(frozenset({MON}), 8, 0),
        ScheduleSlot(frozenset({THU}), 17, 30),
    )


def test_spec_is_case_insensitive_and_tolerates_extra_spaces():
    messy = "  MON , Thu   08:00 ;  Daily\t07:00  "
    assert parse_schedule_spec(messy) == parse_schedule_spec("mon,thu 08:00; daily 07:00")


def test_every_weekday_abbreviation_is_known():
    spec = parse_schedule_spec("sun,sat,fri,thu,wed,tue,mon 00:00")
    assert spec.slots[0].weekdays == frozenset(range(7))


def test_midnight_and_last_minute_of_the_day_are_valid_times():
    assert parse_schedule_spec("mon 00:00").slots[0].hour == 0
    last = parse_schedule_spec("sun 23:59").slots[0]
    assert (last.hour, last.minute) == (23, 59)


def test_one_digit_hour_is_accepted_and_written_back_with_two():
    assert parse_schedule_spec("mon 8:05").to_text() == "mon 08:05"


def test_same_time_on_different_weekdays_in_separate_slots_is_allowed():
    assert parse_schedule_spec("mon 08:00; thu 08:00").firings_per_week == 2


# --- canonical text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("mon,thu 08:00", "mon,thu 08:00"),
        ("THU,MON 8:00", "mon,thu 08:00"),
        ("daily 07:00", "daily 07:00"),
        ("mon,tue,wed,thu,fri,sat,sun 07:00", "daily 07:00"),
        ("thu 17:30 ; mon 08:00", "mon 08:00; thu 17:30"),
        ("mon 08:00; daily 07:00", "daily 07:00; mon 08:00"),
        ("sun 23:59;sat 00:00", "sat 00:00; sun 23:59"),
    ],
)
def test_canonical_text(typed, canonical):
    assert parse_schedule_spec(typed).to_text() == canonical


@pytest.mark.parametrize(
    "typed", ["mon,thu 08:00", "Daily 7:00", "fri 12:00; mon 08:00; wed 09:15", "sat,sun 10:00"]
)
def test_canonical_text_round_trips(typed):
    spec = parse_schedule_spec(typed)
    assert parse_schedule_spec(spec.to_text()) == spec
    assert parse_schedule_spec(spec.to_text()).to_text() == spec.to_text()


def test_equal_schedules_compare_equal_whatever_the_slot_order():
    assert parse_schedule_spec("thu 17:30; mon 08:00") == parse_schedule_spec(
        "mon 08:00; thu 17:30"
    )


# --- cron trigger fields ----------------------------------------------------------------------


def test_cron_trigger_fields_name_weekdays_hour_and_minute():
    assert cron_trigger_fields(parse_schedule_spec("mon,thu 08:00")) == [
        {"day_of_week": "mon,thu", "hour": 8, "minute": 0}
    ]


def test_cron_trigger_fields_give_one_trigger_per_slot():
    assert cron_trigger_fields(parse_schedule_spec("mon 08:00; thu 17:30")) == [
        {"day_of_week": "mon", "hour": 8, "minute": 0},
        {"day_of_week": "thu", "hour": 17, "minute": 30},
    ]


def test_cron_trigger_fields_for_daily_fire_every_day():
    assert cron_trigger_fields(parse_schedule_spec("daily 07:00")) == [
        {"day_of_week": "*", "hour": 7, "minute": 0}
    ]


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "the schedule is empty"),
        ("   ", "the schedule is empty"),
        ("mo 08:00", 'unknown weekday "mo"'),
        ("monday 08:00", 'unknown weekday "monday"'),
        ("mon;thu 08:00", '"mon" has no time'),
        ("mon", '"mon" has no time'),
        ("mon thu", '"mon thu" has no time'),
        ("08:00", '"08:00" has a time but no weekdays'),
        ("mon08:00", "needs a space between the weekdays and the time"),
        ("mon 8", '"8" is not a time'),
        ("mon 8h00", '"8h00" is not a time'),
        ("mon 08:0", '"08:0" is not a time'),
        ("mon 24:00", 'time "24:00" is not between 00:00 and 23:59'),
        ("mon 12:60", 'time "12:60" is not between 00:00 and 23:59'),
        ("mon -1:00", '"-1:00" is not a time'),
        ("mon,,thu 08:00", "empty weekday between commas"),
        ("mon, 08:00", "empty weekday between commas"),
        ("mon,mon 08:00", 'weekday "mon" is listed twice'),
        ("daily,mon 08:00", '"daily" cannot be combined with weekdays'),
        ("mon 08:00;", "slot 2 of 2 is empty"),
        ("; mon 08:00", "slot 1 of 2 is empty"),
        ("mon 08:00;; thu 08:00", "slot 2 of 3 is empty"),
        ("mon 08:00; mon 08:00", 'slot "mon 08:00" is listed twice'),
        ("mon,thu 08:00; thu 08:00", "both fire on thu at 08:00"),
        ("daily 07:00; sun 07:00", "both fire on sun at 07:00"),
    ],
)
def test_invalid_spec_is_refused_with_the_reason_and_the_expected_form(typed, problem):
    with pytest.raises(ScheduleSpecError) as caught:
        parse_schedule_spec(typed)
    message = str(caught.value)
    assert problem in message
    assert 'use mon,tue,wed,thu,fri,sat,sun or daily, then HH:MM, e.g. "mon,thu 08:00"' in message


def test_schedule_spec_error_is_a_value_error():
    assert issubclass(ScheduleSpecError, ValueError)


def test_unknown_weekday_message_reads_as_one_line():
    with pytest.raises(ScheduleSpecError) as caught:
        parse_schedule_spec("mo 08:00")
    assert str(caught.value).startswith(
        'unknown weekday "mo"; use mon,tue,wed,thu,fri,sat,sun or daily, then HH:MM, '
        'e.g. "mon,thu 08:00"'
    )
    assert "\n" not in str(caught.value)


def test_a_spec_built_in_code_is_checked_like_a_parsed_one():
    with pytest.raises(ScheduleSpecError):
        ScheduleSpec(slots=())
    with pytest.raises(ScheduleSpecError):
        ScheduleSlot(frozenset(), 8, 0)
    with pytest.raises(ScheduleSpecError):
        ScheduleSlot(frozenset({7}), 8, 0)
    with pytest.raises(ScheduleSpecError):
        ScheduleSlot(frozenset({MON}), 24, 0)


# --- quiet hours ------------------------------------------------------------------------------


def test_empty_quiet_hours_mean_none():
    assert parse_quiet_hours("") is None
    assert parse_quiet_hours("  ") is None


def test_quiet_hours_wrapping_midnight_cover_late_evening_and_early_morning():
    quiet = parse_quiet_hours("22:00-06:00")
    assert quiet == QuietHours(start=time(22, 0), end=time(6, 0))
    assert quiet.wraps_midnight
    assert quiet.contains(time(22, 0))
    assert quiet.contains(time(23, 59, 59))
    assert quiet.contains(time(0, 0))
    assert quiet.contains(time(5, 59, 59))
    assert not quiet.contains(time(6, 0))
    assert not quiet.contains(time(12, 0))
    assert not quiet.contains(time(21, 59, 59))


def test_quiet_hours_within_one_day_cover_only_that_span():
    quiet = parse_quiet_hours("12:00-13:30")
    assert not quiet.wraps_midnight
    assert not quiet.contains(time(11, 59))
    assert quiet.contains(time(12, 0))
    assert quiet.contains(time(13, 29, 59))
    assert not quiet.contains(time(13, 30))
    assert not quiet.contains(time(0, 0))


def test_quiet_hours_ignore_a_timezone_attached_to_the_time():
    from datetime import UTC

    assert parse_quiet_hours("22:00-06:00").contains(time(23, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("22:00-06:00", "22:00-06:00"),
        (" 22:00 - 6:00 ", "22:00-06:00"),
        ("0:00-7:15", "00:00-07:15"),
    ],
)
def test_quiet_hours_canonical_text_round_trips(typed, canonical):
    quiet = parse_quiet_hours(typed)
    assert quiet.to_text() == canonical
    assert parse_quiet_hours(quiet.to_text()) == quiet


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("22:00", "is not a time window"),
        ("22-06", "is not a time window"),
        ("22:00-06:00-07:00", "is not a time window"),
        ("night", "is not a time window"),
        ("24:00-06:00", "24:00 is not between 00:00 and 23:59"),
        ("22:00-06:60", "06:60 is not between 00:00 and 23:59"),
        ("06:00-06:00", "start and end at the same time (06:00)"),
    ],
)
def test_invalid_quiet_hours_are_refused_with_the_expected_form(typed, problem):
    with pytest.raises(QuietHoursError) as caught:
        parse_quiet_hours(typed)
    assert problem in str(caught.value)
    assert 'use HH:MM-HH:MM, e.g. "22:00-06:00"' in str(caught.value)
    assert issubclass(QuietHoursError, ValueError)
