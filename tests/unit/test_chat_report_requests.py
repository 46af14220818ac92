"""``/stats`` and ``/report`` requests checked against the asker's role and scope
(``reports.chat_requests``), without a bot: the same refusal for an unknown unit and one outside
the scope, tips and the chart for officers only."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.address import Address
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit, UnitTree
from reports.chat_requests import Refusal, StatsAnswerPlan, plan_report, plan_statistics
from reports.report_request import ReportRequest

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
TREE = UnitTree([Unit("DT", "Tỉnh", None), Unit("TT", "Xã Tân Thành", "DT"),
                 Unit("BT", "Xã Bình Thành", "DT")])


def member(role: Role, unit: str = "TT") -> StaffMember:
    return StaffMember(Address("telegram", "7"), role, unit, from_config=True)


def test_an_officer_sees_tips_and_gets_the_chart_of_their_own_unit_by_default():
    plan = plan_statistics(["2026-02", "chart"], member(Role.OFFICER), TREE, now=NOW, tz=VN)
    assert isinstance(plan, StatsAnswerPlan)
    assert plan.request.unit_code == "TT" and plan.request.period.label == "2026-02"
    assert plan.tip_figures and plan.chart and not plan.chart_refused


def test_an_editor_gets_no_tip_figures_and_the_chart_is_refused():
    plan = plan_statistics(["chart"], member(Role.EDITOR), TREE, now=NOW, tz=VN)
    assert isinstance(plan, StatsAnswerPlan)
    assert not plan.tip_figures and not plan.chart and plan.chart_refused


def test_a_unit_outside_the_scope_is_answered_as_one_that_does_not_exist():
    officer = member(Role.OFFICER)
    outside = plan_statistics(["BT"], officer, TREE, now=NOW, tz=VN)
    unknown = plan_statistics(["NOPE"], officer, TREE, now=NOW, tz=VN)
    assert outside == Refusal("stats.unknown_unit", "BT")
    assert unknown == Refusal("stats.unknown_unit", "NOPE")
    assert plan_report(["BT"], officer, TREE, now=NOW, tz=VN) == \
        Refusal("report.unknown_unit", "BT")
    admin = plan_statistics(["BT"], member(Role.ADMIN, "DT"), TREE, now=NOW, tz=VN)
    assert isinstance(admin, StatsAnswerPlan) and admin.request.unit_code == "BT"


def test_words_typed_wrong_get_their_own_refusal():
    officer = member(Role.OFFICER)
    bad_period = plan_statistics(["2026-13"], officer, TREE, now=NOW, tz=VN)
    assert isinstance(bad_period, Refusal) and bad_period.key == "stats.bad_period"
    assert bad_period.word == "2026-13" and bad_period.period_error is not None
    assert plan_statistics(["a", "b", "c"], officer, TREE, now=NOW, tz=VN) == \
        Refusal("stats.usage")
    assert plan_report(["xlsx", "csv"], officer, TREE, now=NOW, tz=VN) == \
        Refusal("report.two_formats")
    assert plan_report(["chart"], officer, TREE, now=NOW, tz=VN) == \
        Refusal("report.unknown_unit", "chart")
    assert plan_report(["a", "b", "c"], officer, TREE, now=NOW, tz=VN) == \
        Refusal("report.usage")


def test_a_report_request_in_scope_defaults_to_docx():
    request = plan_report(["week"], member(Role.OFFICER), TREE, now=NOW, tz=VN)
    assert isinstance(request, ReportRequest)
    assert (request.unit_code, request.report_format) == ("TT", "docx")
