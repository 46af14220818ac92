"""Renderings of the statistics and the words of ``/stats``: JSON keys, flat CSV, the chat text
in Vietnamese formats (1.234, dd/mm/yyyy), and PERIOD/UNIT/chart in any order."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from core.config_model import Category, OutcomeKind
from core.i18n import Translator
from reports.periods import parse_period
from reports.render.csv_report import render_csv
from reports.render.json_report import render_json
from reports.render.report_words import ReportWords
from reports.render.stats_text import render_stats_text
from reports.stats import BulletinFigures, GroupFigures, TipFigures, UnitStatistics
from reports.stats_request import (
    StatsRequest,
    StatsRequestError,
    StatsRequestProblem,
    read_stats_request,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


def sample(weeks: tuple[str, ...] = ("2026-W07",)) -> UnitStatistics:
    return UnitStatistics(
        unit_code="TT", unit_name="Xã Tân Thành",
        period=parse_period("2026", now=NOW, tz=VN),
        groups=GroupFigures(37, 1666),
        bulletins=BulletinFigures(36, 1332, 2, 2, weeks),
        tips=TipFigures(180, 146, 20, 4, 10, 150,
                        MappingProxyType({"drugs": 120, "theft": 60, "fraud": 0}), cases=171),
        outcomes=MappingProxyType({"cases": 30, "persons": 77, "knives": 0}),
    )


def test_json_has_the_keys_and_inclusive_dates_of_spec_10():
    document = json.loads(render_json(sample()))
    assert list(document) == ["period", "unit", "groups", "bulletins", "tips", "outcomes"]
    assert document["period"] == {"from": "2026-01-01", "to": "2026-12-31", "label": "2026"}
    assert document["bulletins"]["weeks_below_target"] == ["2026-W07"]
    assert document["tips"]["by_category"] == {"drugs": 120, "theft": 60, "fraud": 0}
    assert document["tips"]["cases"] == sample().tips.cases  # SPEC §15: distinct cases


def test_csv_is_one_flat_metric_value_table_named_like_the_json():
    rows = list(csv.reader(io.StringIO(render_csv(sample(("2026-W07", "2026-W09"))))))
    assert rows[0] == ["metric", "value"]
    table = dict(rows[1:])
    assert len(table) == len(rows) - 1
    assert table["period.from"] == "2026-01-01" and table["unit"] == "TT"
    assert table["groups.members"] == "1666"
    assert table["bulletins.weeks_below_target"] == "2026-W07;2026-W09"
    assert table["tips.by_category.fraud"] == "0" and table["outcomes.persons"] == "77"
    assert table["tips.cases"] == str(sample().tips.cases)


def test_chat_text_uses_vietnamese_numbers_dates_and_labels():
    labelled = ReportWords(Translator("vi"),
                           tuple(Category(k, k.upper()) for k in ("drugs", "theft", "fraud")),
                           tuple(OutcomeKind(k, f"<{k}>", None) for k in sample().outcomes))
    text = render_stats_text(sample(), labelled)
    assert "Xã Tân Thành" in text and "01/01/2026" in text and "31/12/2026" in text
    assert "37 nhóm, 1.666 thành viên" in text
    assert "1.332 lượt gửi" in text
    assert "tuần 07 (09/02/2026–15/02/2026)" in text
    assert "146 có giá trị" in text
    assert f"Vụ việc: {sample().tips.cases} (từ 180 nguồn tin;" in text
    assert "DRUGS 120, THEFT 60" in text and "FRAUD" not in text  # categories with tips only
    assert "Kết quả:\n• <cases>: 30\n• <persons>: 77" in text and "<knives>" not in text
    english = render_stats_text(sample(()), ReportWords(Translator("en"), (), ()))
    assert "1,666 members" in english and "no finished week fell short" in english


def read(words: str) -> StatsRequest | StatsRequestError:
    return read_stats_request(words.split(), default_unit="TT", now=NOW, tz=VN)


def test_stats_words_default_to_this_month_and_the_asker_unit():
    request = read("")
    assert isinstance(request, StatsRequest)
    assert (request.period.label, request.unit_code, request.chart) == ("2026-03", "TT", False)


def test_stats_words_come_in_either_order_with_chart_anywhere():
    for words in ("2026-Q1 TT-A1", "TT-A1 2026-Q1", "chart 2026-Q1 TT-A1", "2026-Q1 TT-A1 CHART"):
        request = read(words)
        assert isinstance(request, StatsRequest)
        assert (request.period.label, request.unit_code) == ("2026-Q1", "TT-A1")
    assert read("week chart").chart is True
    lone_unit = read("TT-A1")
    assert (lone_unit.period.label, lone_unit.unit_code) == ("2026-03", "TT-A1")


def test_a_lone_word_meant_as_a_period_gets_the_period_reason_not_unknown_unit():
    for word, reason in (("2026-13", "month 13 does not exist"), ("2026-W54", "W01 to W53"),
                         ("2026-02-30", "not a calendar date"),
                         ("2026-03-31..2026-03-01", "ends (2026-03-01) before it starts")):
        bad = read(word)
        assert isinstance(bad, StatsRequestError), word
        assert (bad.problem, bad.word) == (StatsRequestProblem.BAD_PERIOD, word)
        assert reason in str(bad.reason), (word, bad.reason)
    # A word of no period's shape is a unit code, checked against the scope later.
    assert read("NOWHERE").unit_code == "NOWHERE"
    # A unit of the tree whose code looks like a period is that unit.
    odd = read_stats_request(["2026-13"], default_unit="TT", now=NOW, tz=VN,
                             is_unit=lambda code: code == "2026-13")
    assert isinstance(odd, StatsRequest) and odd.unit_code == "2026-13"
    # Two words, neither a period: the one that is not a unit was meant as the period.
    both = read_stats_request(["TT", "2026-Q5"], default_unit="TT", now=NOW, tz=VN,
                              is_unit=lambda code: code == "TT")
    assert isinstance(both, StatsRequestError) and both.word == "2026-Q5"
    assert "Q5 does not exist" in str(both.reason)


def test_stats_words_that_make_no_request_are_named():
    bad = read("2026-13 TT")
    assert isinstance(bad, StatsRequestError)
    assert (bad.problem, bad.word) == (StatsRequestProblem.BAD_PERIOD, "2026-13")
    assert "month 13 does not exist" in str(bad.reason)
    assert read("week TT extra") == StatsRequestError(StatsRequestProblem.TOO_MANY_WORDS)
