"""``/schedule`` as a use case: which unit is meant, what is asked, and the rules a unit's
bulletin slots must keep (SPEC §5). Any channel calls :func:`run_schedule_command` with the words
typed and draws the :class:`ScheduleResult` it returns from the catalogue.

Forms: nothing (show the unit's schedule and whose it is), ``default`` (back to
``bulletins.schedule`` of config.toml), a spec (``mon,thu 07:00``), each with an optional unit code
first. A unit outside the member's scope reads exactly as a unit that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from core.schedule_spec import (
    EVERY_DAY_WORD,
    WEEKDAY_NAMES,
    ScheduleSpec,
    ScheduleSpecError,
    parse_schedule_spec,
)
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from org.units import UnitTree

from .desk import BulletinDesk
from .slots import EffectiveSchedule

DEFAULT_WORDS = {"default", "macdinh"}
# A bulletin twice a day is already a lot; the stored spec has room for 200 characters.
MAX_SLOTS_PER_WEEK = 14
MAX_SPEC_LENGTH = 200


class Scheduled(StrEnum):
    SHOWN = "shown"
    RESET = "reset"  # back to the configured default
    SET = "set"
    NOT_IN_SCOPE = "not_in_scope"  # an unknown unit, or one outside the scope: the same
    BAD_SPEC = "bad_spec"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class ScheduleResult:
    outcome: Scheduled
    unit_code: str  # as typed when NOT_IN_SCOPE
    spec: ScheduleSpec | None = None  # shown, reset to, set, or refused as too many
    schedule: EffectiveSchedule | None = None  # SHOWN: whose schedule it is
    error: ScheduleSpecError | None = None  # BAD_SPEC: what is wrong with it


def is_spec(text: str) -> bool:
    if text.lower() in DEFAULT_WORDS:
        return True
    try:
        parse_schedule_spec(text)
    except ScheduleSpecError:
        return False
    return True


def starts_spec(word: str) -> bool:
    """``default``, ``daily`` or weekday abbreviations: the first word of a spec, not a unit."""
    lowered = word.lower()
    return (lowered in DEFAULT_WORDS or lowered == EVERY_DAY_WORD
            or all(day in WEEKDAY_NAMES for day in lowered.split(",")))


def unit_word(args: list[str], is_unit: Callable[[str], bool]) -> str | None:
    """The word of ``args`` meant as a unit code, if any: a unit in scope; a first word
    followed by a spec (``NOPE daily 07:00``: a unit typed wrong, not a bad spec); or a lone
    word that neither has a digit (a spec has a time) nor starts a spec."""
    if not args:
        return None
    first, rest = args[0], " ".join(args[1:])
    if is_unit(first) or (rest and is_spec(rest)):
        return first
    if not rest and not any(ch.isdigit() for ch in first) and not starts_spec(first):
        return first
    return None


def too_many_slots(spec: ScheduleSpec) -> bool:
    return spec.firings_per_week > MAX_SLOTS_PER_WEEK or len(spec.to_text()) > MAX_SPEC_LENGTH


async def run_schedule_command(desk: BulletinDesk, member: StaffMember, tree: UnitTree,
                               args: list[str]) -> ScheduleResult:
    """``/schedule [UNIT] [SPEC|default]`` by ``member`` (an officer or above)."""
    args = list(args)
    code = unit_word(args, lambda word: may_act_on_unit(member, word, tree, Role.OFFICER))
    if code is not None:
        args.pop(0)
    unit = tree.find(code or member.unit_code)
    if unit is None or not may_act_on_unit(member, unit.code, tree, Role.OFFICER):
        return ScheduleResult(Scheduled.NOT_IN_SCOPE, code or member.unit_code)
    if not args:
        schedule = await desk.schedule_of(unit.code)
        return ScheduleResult(Scheduled.SHOWN, unit.code, schedule.spec, schedule)
    text = " ".join(args)
    if text.lower() in DEFAULT_WORDS:
        await desk.set_schedule(member, unit.code, None)
        schedule = await desk.schedule_of(unit.code)
        return ScheduleResult(Scheduled.RESET, unit.code, schedule.spec)
    try:
        spec = parse_schedule_spec(text)
    except ScheduleSpecError as error:
        return ScheduleResult(Scheduled.BAD_SPEC, unit.code, error=error)
    if too_many_slots(spec):
        return ScheduleResult(Scheduled.TOO_MANY, unit.code, spec)
    await desk.set_schedule(member, unit.code, spec)
    return ScheduleResult(Scheduled.SET, unit.code, spec)
