"""Vietnamese mobile numbers: every usual spelling is one number; others are refused with why."""

from __future__ import annotations

import pytest

from org.phone_numbers import InvalidNumber, NumberProblem, parse_phone_number

CANONICAL = "+84901234567"


@pytest.mark.parametrize("typed", [
    "0901234567", "090 123 4567", "090.123.4567", "090-123-4567", "+84 90 123 4567",
    "+84901234567", "84901234567", "0084901234567", "(090) 123-4567", " 0901 234 567 ",
    "901234567", "+84 (0)90 123 4567".replace("(0)", ""),
])
def test_every_usual_spelling_is_one_number(typed):
    assert parse_phone_number(typed).e164 == CANONICAL


@pytest.mark.parametrize(("typed", "e164"), [
    ("0321234567", "+84321234567"),  # Viettel 03x
    ("0561234567", "+84561234567"),  # Vietnamobile 05x
    ("0791234567", "+84791234567"),  # MobiFone 07x
    ("0881234567", "+84881234567"),  # Vinaphone 08x
    ("0991234567", "+84991234567"),  # Gmobile 099
])
def test_every_mobile_range_is_accepted(typed, e164):
    assert parse_phone_number(typed).e164 == e164


@pytest.mark.parametrize(("typed", "problem"), [
    ("", NumberProblem.EMPTY),
    ("  - . ", NumberProblem.EMPTY),
    ("09012345a7", NumberProblem.NOT_DIGITS),
    ("số 0901234567", NumberProblem.NOT_DIGITS),
    ("+1 415 555 0100", NumberProblem.FOREIGN),
    ("0044 20 7946 0958", NumberProblem.FOREIGN),
    ("090123456", NumberProblem.TOO_SHORT),
    ("09012345678", NumberProblem.TOO_LONG),
    ("01691234567", NumberProblem.OLD_ELEVEN_DIGITS),
    ("0241234567", NumberProblem.NOT_MOBILE),  # a Hà Nội landline (024)
    ("0801234567", NumberProblem.NOT_MOBILE),  # 080: not a mobile range
    ("0511234567", NumberProblem.NOT_MOBILE),
    ("0711234567", NumberProblem.NOT_MOBILE),
])
def test_what_is_not_a_mobile_number_is_refused_with_the_reason(typed, problem):
    with pytest.raises(InvalidNumber) as refused:
        parse_phone_number(typed)
    assert refused.value.problem is problem


def test_staff_see_the_number_masked():
    number = parse_phone_number("+84 90 123 4567")
    assert number.masked == "09xx xxx 567"
    assert "1234" not in number.masked


def test_forms_for_people_and_providers():
    number = parse_phone_number("0901234567")
    assert (number.national, number.international_digits) == ("0901234567", "84901234567")
