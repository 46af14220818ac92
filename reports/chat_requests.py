"""``/stats`` and ``/report`` in chat: the asker's words checked against their role and scope,
as plain data (SPEC §6, §7, §12).

The unit defaults to the asker's own and must lie in their scope; a unit outside it gets the same
answer as a unit that does not exist. Tips are need-to-know: ``/stats`` shows an editor the
groups, members and bulletins (their work) and not the tips, categories or outcomes, and the chart
(tips per week on top) is for officers; ``/report`` (which counts tips) needs an officer, which
the command table already asked (``org.permissions``). The adapter draws a :class:`Refusal` or
runs the checked request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from org.roles import Role, role_allows
from org.staff import StaffMember, may_act_on_unit
from org.units import UnitTree
from reports.periods import PeriodError
from reports.report_request import (
    ReportRequest,
    ReportRequestError,
    ReportRequestProblem,
    read_report_request,
)
from reports.stats_request import (
    StatsRequest,
    StatsRequestError,
    StatsRequestProblem,
    read_stats_request,
)

_REPORT_PROBLEM_KEYS = {
    ReportRequestProblem.TOO_MANY_WORDS: "report.usage",
    ReportRequestProblem.TWO_FORMATS: "report.two_formats",
    ReportRequestProblem.UNKNOWN_WORD: "report.unknown_unit",
    ReportRequestProblem.BAD_PERIOD: "report.bad_period",
}


@dataclass(frozen=True)
class Refusal:
    """The one line that answers a request that cannot be run: the catalogue ``key``; with
    ``word`` (a period or unit code as typed, to echo), and for a period typed wrong the
    parser's ``period_error`` (what is wrong with it)."""

    key: str
    word: str | None = None
    period_error: PeriodError | None = None


@dataclass(frozen=True)
class StatsAnswerPlan:
    """A ``/stats`` request in the asker's scope, and what of it they may see."""

    request: StatsRequest
    tip_figures: bool  # officers and admins: tips, categories and outcomes
    chart: bool  # a chart was asked for and may be drawn
    chart_refused: bool  # a chart was asked for by someone who may not see it


def plan_statistics(words: Sequence[str], member: StaffMember, tree: UnitTree, *,
                    now: datetime, tz: ZoneInfo) -> StatsAnswerPlan | Refusal:
    def in_scope(code: str) -> bool:
        return may_act_on_unit(member, code, tree, Role.EDITOR)

    request = read_stats_request(words, default_unit=member.unit_code, now=now, tz=tz,
                                 is_unit=in_scope)
    if isinstance(request, StatsRequestError):
        if request.problem is StatsRequestProblem.BAD_PERIOD:
            return Refusal("stats.bad_period", request.word, request.reason)
        return Refusal("stats.usage")
    if not in_scope(request.unit_code):
        return Refusal("stats.unknown_unit", request.unit_code)
    sees_tips = role_allows(member.role, Role.OFFICER)
    return StatsAnswerPlan(request, tip_figures=sees_tips, chart=request.chart and sees_tips,
                           chart_refused=request.chart and not sees_tips)


def plan_report(words: Sequence[str], member: StaffMember, tree: UnitTree, *,
                now: datetime, tz: ZoneInfo) -> ReportRequest | Refusal:
    def in_scope(code: str) -> bool:
        return may_act_on_unit(member, code, tree, Role.OFFICER)

    request = read_report_request(words, default_unit=member.unit_code, now=now, tz=tz,
                                  is_unit=in_scope)
    if isinstance(request, ReportRequestError):
        key = _REPORT_PROBLEM_KEYS[request.problem]
        if request.problem is ReportRequestProblem.BAD_PERIOD:
            return Refusal(key, request.word, request.reason)
        if request.problem is ReportRequestProblem.UNKNOWN_WORD:
            return Refusal(key, request.word)
        return Refusal(key)
    if not in_scope(request.unit_code):
        return Refusal("report.unknown_unit", request.unit_code)
    return request
