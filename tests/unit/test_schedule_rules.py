"""``/schedule``'s rules in the domain (``broadcasts.schedules``): which word is a unit, and how
many slots a week a unit may have."""

from __future__ import annotations

from broadcasts.schedules import MAX_SLOTS_PER_WEEK, too_many_slots, unit_word
from core.schedule_spec import parse_schedule_spec


def test_a_unit_typed_wrong_before_a_spec_is_a_unit_not_a_bad_spec():
    def nowhere(_word: str) -> bool:
        return False

    assert unit_word(["NOPE", "daily", "07:00"], nowhere) == "NOPE"
    assert unit_word(["daily", "07:00"], nowhere) is None
    assert unit_word(["NOPE"], nowhere) == "NOPE"  # a lone word without a time
    assert unit_word(["mon,thu"], nowhere) is None  # starts a spec
    assert unit_word(["TT"], lambda word: word == "TT") == "TT"


def test_more_than_twice_a_day_is_too_many():
    assert MAX_SLOTS_PER_WEEK == 14
    assert not too_many_slots(parse_schedule_spec("daily 07:00; daily 19:00"))
    assert too_many_slots(parse_schedule_spec("daily 07:00; daily 12:00; daily 19:00"))
