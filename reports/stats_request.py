"""What ``/stats [PERIOD] [UNIT] [chart]`` asks for, read from the command's words.

The words may come in either order; ``chart`` may stand anywhere. A single word that is not a
period is taken as a unit code: whether that unit exists is decided later, together with the
asker's scope, so that an unknown unit and a unit outside the scope get the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from reports.periods import Period, PeriodError, default_period, parse_period

CHART_WORD = "chart"


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


def read_stats_request(words: Sequence[str], *, default_unit: str, now: datetime,
                       tz: ZoneInfo) -> StatsRequest | StatsRequestError:
    chart = any(word.lower() == CHART_WORD for word in words)
    rest = [word for word in words if word.lower() != CHART_WORD]
    if len(rest) > 2:
        return StatsRequestError(StatsRequestProblem.TOO_MANY_WORDS)
    if not rest:
        return StatsRequest(parse_period(default_period, now=now, tz=tz), default_unit, chart)
    if len(rest) == 1:
        period = _period_or_none(rest[0], now, tz)
        if period is not None:
            return StatsRequest(period, default_unit, chart)
        return StatsRequest(parse_period(default_period, now=now, tz=tz), rest[0], chart)
    for period_word, unit_word in ((rest[0], rest[1]), (rest[1], rest[0])):
        period = _period_or_none(period_word, now, tz)
        if period is not None:
            return StatsRequest(period, unit_word, chart)
    return StatsRequestError(StatsRequestProblem.BAD_PERIOD, rest[0])


def _period_or_none(word: str, now: datetime, tz: ZoneInfo) -> Period | None:
    try:
        return parse_period(word, now=now, tz=tz)
    except PeriodError:
        return None
