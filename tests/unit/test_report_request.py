"""Which unit the command line's ``report`` means (``reports.report_request``), decided in the
domain and only worded by ``bot.report_command``."""

from __future__ import annotations

from org.units import Unit, UnitTree
from reports.report_request import UnitChoiceError, UnitChoiceProblem, unit_for_whole_report

TREE = UnitTree([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")])


def test_the_only_root_unless_a_unit_is_asked_for():
    assert unit_for_whole_report(TREE, None) == "DT"
    assert unit_for_whole_report(TREE, "TT") == "TT"


def test_an_unknown_unit_or_several_roots_name_what_could_have_been_meant():
    assert unit_for_whole_report(TREE, "HN") == UnitChoiceError(
        UnitChoiceProblem.UNKNOWN_UNIT, ("DT", "TT"))
    two_roots = UnitTree([Unit("DT", "Tỉnh", None), Unit("HN", "Thành phố", None)])
    assert unit_for_whole_report(two_roots, None) == UnitChoiceError(
        UnitChoiceProblem.SEVERAL_ROOTS, ("DT", "HN"))
    assert unit_for_whole_report(UnitTree([]), None) == UnitChoiceError(
        UnitChoiceProblem.NO_UNITS, ())
