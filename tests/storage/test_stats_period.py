"""The figures of ``/stats`` in one statement (``storage/stats_period.py``) are the figures each
part gives on its own (``bench/stats_queries.py`` times the parts apart), on SQLite and
PostgreSQL, for a subtree, a unit's own rows, targets met and missed."""

from __future__ import annotations

import pytest

from reports.periods import parse_period
from reports.stats import _judged_weeks
from storage import statistics, stats_channels, stats_tips, stats_weeks
from storage.stats_period import period_figures
from tests.stats_seed import VN
from tests.storage.test_statistics import DISTRICT_PERIOD, NOW, build_district, unit_tree


@pytest.mark.parametrize(("unit_code", "own_only", "target"), [
    ("DT", False, 2), ("TT", False, 2), ("TT", True, 2), ("TT-A1", False, 3), ("BT", False, 1),
])
async def test_one_statement_gives_what_each_part_gives(db, unit_code, own_only, target):
    await unit_tree(db)
    await build_district(db)
    period = parse_period(DISTRICT_PERIOD, now=NOW, tz=VN)
    first, last = period.first_day, period.last_day
    weeks = _judged_weeks(period, VN, NOW)
    own = {"own_only": own_only}
    async with db.reading() as conn:
        found = await period_figures(conn, unit_code, first, last, period.end_utc, weeks, target,
                                     **own)
        assert found.groups == await statistics.group_totals(conn, unit_code, period.end_utc,
                                                             **own)
        assert found.deliveries == await statistics.delivery_totals(conn, unit_code, first,
                                                                    last, **own)
        assert found.weeks_below_target == await stats_weeks.weeks_below_target(
            conn, unit_code, weeks, target, **own)
        assert found.tips == await stats_tips.tip_counts(conn, unit_code, first, last, **own)
        assert found.outcomes == await statistics.outcome_totals(conn, unit_code, first, last,
                                                                 **own)
        assert found.channels == await stats_channels.channel_totals(conn, unit_code, first,
                                                                     last, **own)
    if (unit_code, own_only) == ("TT", False):  # the figures of test_statistics: not zeros
        assert found.groups.count == 12 and found.tips.by_category
        assert found.weeks_below_target == ["2026-W07"]


async def test_no_weekly_target_and_no_weeks_judge_nothing(db):
    await unit_tree(db)
    await build_district(db)
    period = parse_period(DISTRICT_PERIOD, now=NOW, tz=VN)
    weeks = _judged_weeks(period, VN, NOW)
    async with db.reading() as conn:
        for judged_weeks, target in ((weeks, 0), ([], 2)):
            found = await period_figures(conn, "TT", period.first_day, period.last_day,
                                         period.end_utc, judged_weeks, target)
            assert found.weeks_below_target == []
            assert found.groups.count == 12
