"""What ``/stats [PERIOD] [UNIT] [chart]`` asks for, read from the command's words.

The words may come in either order; ``chart`` may stand anywhere. A word that parses as a
period is the period. Of the others, a unit in the asker's scope is the unit; a word that can only
have been meant as a period (it starts with a year, or holds ``..``) is a period typed wrong, and
the answer says what is wrong with it (``2026-13``: there is no month 13); any other word is
taken as a unit code, and whether that unit exists is decided later, together with the asker's
scope, so that an unknown unit and a unit outside the scope get the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from reports.periods import Period, PeriodError, default_period, parse_period

CHART_WORD = "chart"
# Every absolute PERIOD starts with a four-digit year; a range holds "..".
_MEANT_AS_PERIOD = re.compile(r"^\d{4}|\.\.")


def _no_unit(code: str) -> bool:
    return False


class StatsRequestProblem(StrEnum):
    TOO_MANY_WORDS = "too_many_words"
    BAD_PERIOD = "bad_period"


@dataclass(frozen=True)
class StatsRequest:
    period: Period
    unit_code: str  # as typed (or the default): not checked against the tree yet
    chart: bool


@dataclass(frozen=True)
class StatsRequestError:
    problem: StatsRequestProblem
    word: str = ""
    reason: PeriodError | None = None  # BAD_PERIOD: what the period parser said is wrong


def read_stats_request(words: Sequence[str], *, default_unit: str, now: datetime, tz: ZoneInfo,
                       is_unit: Callable[[str], bool] = _no_unit,
                       ) -> StatsRequest | StatsRequestError:
    """``is_unit`` tells a unit in the asker's scope from a word typed wrong (a unit outside
    the scope is treated as a word that names no unit, so that nothing tells the two apart)."""
    chart = any(word.lower() == CHART_WORD for word in words)
    rest = [word for word in words if word.lower() != CHART_WORD]
    if len(rest) > 2:
        return StatsRequestError(StatsRequestProblem.TOO_MANY_WORDS)
    if not rest:
        return StatsRequest(parse_period(default_period, now=now, tz=tz), default_unit, chart)
    if len(rest) == 1:
        (word,) = rest
        period = _period_or_error(word, now, tz)
        if isinstance(period, Period):
            return StatsRequest(period, default_unit, chart)
        if _MEANT_AS_PERIOD.search(word) and not is_unit(word):
            return StatsRequestError(StatsRequestProblem.BAD_PERIOD, word, period)
        return StatsRequest(parse_period(default_period, now=now, tz=tz), word, chart)
    for period_word, unit_word in ((rest[0], rest[1]), (rest[1], rest[0])):
        period = _period_or_error(period_word, now, tz)
        if isinstance(period, Period):
            return StatsRequest(period, unit_word, chart)
    # Neither is a period: the one that is not a unit in scope was meant as the period.
    period_word = rest[1] if is_unit(rest[0]) and not is_unit(rest[1]) else rest[0]
    reason = _period_or_error(period_word, now, tz)
    assert isinstance(reason, PeriodError)
    return StatsRequestError(StatsRequestProblem.BAD_PERIOD, period_word, reason)


def _period_or_error(word: str, now: datetime, tz: ZoneInfo) -> Period | PeriodError:
    try:
        return parse_period(word, now=now, tz=tz)
    except PeriodError as error:
        return error
