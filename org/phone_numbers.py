"""Vietnamese mobile numbers (SPEC §13): every usual way of writing one as one canonical form,
the reason a text is not one, and the masked form staff see.

``0901234567``, ``090 123 4567``, ``090.123.4567``, ``+84 90 123 4567``, ``84901234567`` and
``0084901234567`` are one number, canonically ``+84901234567`` (E.164). Only mobile numbers are
accepted: an SMS subscriber or tipster texts from a phone, and a landline cannot receive one.

Why a small rule module rather than the ``phonenumbers`` package: only one country and one kind
of number matter here, and the rules fit in a few lines that a reader can check against the
numbering plan; ``phonenumbers`` would add a dependency (and its worldwide metadata) to accept
landlines and foreign numbers we must refuse anyway, and its verdict would change with its data
releases rather than with this file's history.

Mobile prefixes: the national numbering plan after the 2018 change from 11 to 10 digits (Bộ
Thông tin và Truyền thông, Thông tư 22/2014 and Quyết định 798/QĐ-BTTTT 2018): 03x (032-039),
05x (052, 055, 056, 058, 059), 07x (070, 076-079), 08x (081-089) and 09x (090-099); the old
11-digit forms (016x, 012x, 0186…) were switched off in 2019 and are refused with that reason.

Numbers are personal data: nothing here logs, and ``masked`` is the only form shown to staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

COUNTRY_CODE = "84"
# The three digits after the leading 0 that begin a mobile number (the 0 excluded: "3x").
MOBILE_PREFIXES: frozenset[str] = frozenset(
    [f"3{d}" for d in "23456789"]
    + ["52", "55", "56", "58", "59"]
    + ["70", "76", "77", "78", "79"]
    + [f"8{d}" for d in "123456789"]
    + [f"9{d}" for d in "0123456789"]
)
NATIONAL_DIGITS = 10  # 0 + 9 digits
# What people type between digit groups.
_SEPARATORS = re.compile(r"[\s.\-()/]+")
_DIGITS = re.compile(r"[0-9]+")
# The pre-2018 eleven-digit mobile forms: 012x, 016x, 018x, 019x.
_OLD_ELEVEN = re.compile(r"01[2689][0-9]{8}")


class NumberProblem(StrEnum):
    """Why a text is not a Vietnamese mobile number (a catalogue key: ``phone.problem.<x>``)."""

    EMPTY = "empty"
    NOT_DIGITS = "not_digits"  # letters or signs other than separators and a leading +
    FOREIGN = "foreign"  # an international number of another country
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    OLD_ELEVEN_DIGITS = "old_eleven_digits"  # 016x… switched off in 2019
    NOT_MOBILE = "not_mobile"  # a landline or an unassigned prefix


class InvalidNumber(ValueError):
    def __init__(self, problem: NumberProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class PhoneNumber:
    """A Vietnamese mobile number in E.164 form (``+84901234567``)."""

    e164: str

    @property
    def national(self) -> str:
        """``0901234567``: what the phone shows and people dial."""
        return "0" + self.e164[len(COUNTRY_CODE) + 1:]

    @property
    def international_digits(self) -> str:
        """``84901234567``: what SMS providers take (eSMS, the gateway's ``phoneNumbers``)."""
        return self.e164[1:]

    @property
    def masked(self) -> str:
        """``09xx xxx 567``: enough for an officer to tell two subscribers apart, not to call."""
        national = self.national
        return f"{national[:2]}xx xxx {national[-3:]}"

    def __str__(self) -> str:
        return self.e164


def parse_phone_number(text: str) -> PhoneNumber:
    """The number ``text`` names, or :class:`InvalidNumber` with the reason."""
    raw = text.strip()
    if not raw:
        raise InvalidNumber(NumberProblem.EMPTY)
    plus = raw.startswith("+")
    digits = _SEPARATORS.sub("", raw[1:] if plus else raw)
    if not digits:
        raise InvalidNumber(NumberProblem.EMPTY)
    if not _DIGITS.fullmatch(digits):
        raise InvalidNumber(NumberProblem.NOT_DIGITS)
    national = _national_form(digits, plus)
    if _OLD_ELEVEN.fullmatch(national):
        raise InvalidNumber(NumberProblem.OLD_ELEVEN_DIGITS)
    if len(national) < NATIONAL_DIGITS:
        raise InvalidNumber(NumberProblem.TOO_SHORT)
    if len(national) > NATIONAL_DIGITS:
        raise InvalidNumber(NumberProblem.TOO_LONG)
    if national[1:3] not in MOBILE_PREFIXES:
        raise InvalidNumber(NumberProblem.NOT_MOBILE)
    return PhoneNumber("+" + COUNTRY_CODE + national[1:])


def _national_form(digits: str, plus: bool) -> str:
    """``0…`` from any of the international spellings; a foreign number is refused."""
    if plus or digits.startswith("00"):
        international = digits if plus else digits[2:]
        if not international.startswith(COUNTRY_CODE):
            raise InvalidNumber(NumberProblem.FOREIGN)
        return "0" + international[len(COUNTRY_CODE):]
    if digits.startswith(COUNTRY_CODE) and len(digits) == NATIONAL_DIGITS + 1:
        return "0" + digits[len(COUNTRY_CODE):]  # 84901234567: the country code without a +
    if not digits.startswith("0"):
        # 901234567: the leading 0 dropped, as spreadsheets do to a number typed in a cell.
        return "0" + digits if len(digits) == NATIONAL_DIGITS - 1 else digits
    return digits


def phone_number_or_none(text: str) -> PhoneNumber | None:
    try:
        return parse_phone_number(text)
    except InvalidNumber:
        return None
