"""What ``/report [PERIOD] [UNIT] [docx|xlsx|csv]`` asks for, read from the command's words;
and which unit the command line's ``report`` means (:func:`unit_for_whole_report`).

The format word may stand anywhere; the rest is read exactly as ``/stats`` reads its words
(``reports.stats_request``), so the two commands agree on periods, units and defaults. The
default format is docx: the file an officer forwards up the chain is a Báo cáo, and Word is what
the offices above open (xlsx is there for those who want to sum or chart the figures, csv for
scripts). ``chart`` means nothing to a file and is answered like any word that is not a period,
a format or a unit in scope.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from org.units import UnitTree
from reports.periods import Period, PeriodError
from reports.stats_request import (
    CHART_WORD,
    StatsRequestError,
    StatsRequestProblem,
    read_stats_request,
)

CHAT_FORMATS = ("docx", "xlsx", "csv")
DEFAULT_CHAT_FORMAT = "docx"


class ReportRequestProblem(StrEnum):
    TOO_MANY_WORDS = "too_many_words"
    BAD_PERIOD = "bad_period"
    TWO_FORMATS = "two_formats"
    UNKNOWN_WORD = "unknown_word"


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    unit_code: str  # as typed (or the default): not checked against the tree yet
    report_format: str


@dataclass(frozen=True)
class ReportRequestError:
    problem: ReportRequestProblem
    word: str = ""
    reason: PeriodError | None = None  # BAD_PERIOD: what the period parser said is wrong


def _no_unit(code: str) -> bool:
    return False


def read_report_request(words: Sequence[str], *, default_unit: str, now: datetime, tz: ZoneInfo,
                        is_unit: Callable[[str], bool] = _no_unit,
                        ) -> ReportRequest | ReportRequestError:
    formats = [word.lower() for word in words if word.lower() in CHAT_FORMATS]
    if len(formats) > 1:
        return ReportRequestError(ReportRequestProblem.TWO_FORMATS)
    rest = [word for word in words if word.lower() not in CHAT_FORMATS]
    chart = next((word for word in rest if word.lower() == CHART_WORD), None)
    if chart is not None:
        return ReportRequestError(ReportRequestProblem.UNKNOWN_WORD, chart)
    request = read_stats_request(rest, default_unit=default_unit, now=now, tz=tz,
                                 is_unit=is_unit)
    if isinstance(request, StatsRequestError):
        problem = (ReportRequestProblem.BAD_PERIOD
                   if request.problem is StatsRequestProblem.BAD_PERIOD
                   else ReportRequestProblem.TOO_MANY_WORDS)
        return ReportRequestError(problem, request.word, request.reason)
    return ReportRequest(request.period, request.unit_code,
                         formats[0] if formats else DEFAULT_CHAT_FORMAT)


class UnitChoiceProblem(StrEnum):
    UNKNOWN_UNIT = "unknown_unit"
    NO_UNITS = "no_units"
    SEVERAL_ROOTS = "several_roots"


@dataclass(frozen=True)
class UnitChoiceError:
    problem: UnitChoiceProblem
    codes: tuple[str, ...]  # what could have been meant: every unit, or the roots


def unit_for_whole_report(tree: UnitTree, requested: str | None) -> str | UnitChoiceError:
    """``report --unit CODE`` on the command line (run by whoever runs the bot, with no staff
    scope): the unit asked for, else the only root. Its period is read by the same parser as
    ``/stats`` and ``/report`` in chat (``reports.periods.parse_period``)."""
    if requested is not None:
        unit = tree.find(requested)
        if unit is None:
            return UnitChoiceError(UnitChoiceProblem.UNKNOWN_UNIT, tuple(u.code for u in tree))
        return unit.code
    roots = tree.roots()
    if not roots:
        return UnitChoiceError(UnitChoiceProblem.NO_UNITS, ())
    if len(roots) > 1:
        return UnitChoiceError(UnitChoiceProblem.SEVERAL_ROOTS, tuple(u.code for u in roots))
    return roots[0].code
