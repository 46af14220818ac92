"""The weekly series behind the ``/stats … chart`` image (SPEC §6), on SQLite and PostgreSQL:
weeks cut at Monday 00:00 in Asia/Ho_Chi_Minh, tips clipped to the period, bulletins judged over
whole weeks against the per-group target, scope and zeros."""

from __future__ import annotations

from datetime import date

from reports.periods import parse_period
from reports.stats import unit_statistics
from reports.weekly_series import WeeklySeries, weekly_series
from storage.tip_records import Assessment
from tests.stats_seed import VN, add_groups, file_tip, local, send_bulletin
from tests.storage.test_statistics import NOW, unit_tree

MARCH_WEEKS = ("2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14")


async def seed_march(db) -> None:
    before = local(2026, 2, 10)
    tt = await add_groups(db, "TT", [10, 20], before)
    hamlet = await add_groups(db, "TT-A1", [5], before)
    newcomer = await add_groups(db, "TT", [7], local(2026, 3, 4))  # judged from W11 on
    elsewhere = await add_groups(db, "BT", [90], before)
    judged = tt + hamlet
    # W09 (23/02–01/03): a whole-week figure even though the period starts on Sunday 01/03.
    await send_bulletin(db, "TT", judged, local(2026, 2, 27))
    await send_bulletin(db, "TT", tt[:1], local(2026, 3, 1, 23, 30))
    # W10 (02/03–08/03): everyone judged gets two; the newcomer's copy is not held to a week.
    await send_bulletin(db, "TT", tt, local(2026, 3, 2, 0, 30), failing=hamlet)
    await send_bulletin(db, "TT", judged + newcomer, local(2026, 3, 5))
    await send_bulletin(db, "TT", judged, local(2026, 3, 8, 23, 59))
    await send_bulletin(db, "BT", elsewhere, local(2026, 3, 3))

    # 23:30 on Sunday local time is still that ISO week; 00:30 on Monday is the next one,
    # although in UTC both are Sunday.
    await file_tip(db, "TT", local(2026, 3, 1, 23, 30), assessment=Assessment.VALUABLE)
    await file_tip(db, "TT-A1", local(2026, 3, 2, 0, 30), assessment=Assessment.FALSE)
    await file_tip(db, "TT", local(2026, 3, 4), assessment=Assessment.FALSE)
    await file_tip(db, "TT", local(2026, 3, 31, 23, 59), assessment=Assessment.NOT_VALUABLE)
    await file_tip(db, "TT", local(2026, 3, 20))
    await file_tip(db, "TT", local(2026, 2, 28, 23, 59))  # W09, but before the period
    await file_tip(db, "TT", local(2026, 4, 1))  # W14, but after the period
    await file_tip(db, "BT", local(2026, 3, 3))  # another commune


async def march_series(db, tree, unit_code: str = "TT", target: int = 2) -> WeeklySeries:
    period = parse_period("2026-03", now=NOW, tz=VN)
    return await weekly_series(db, tree, unit_code, period, weekly_target=target, tz=VN)


async def test_tips_fall_in_the_local_iso_week_and_inside_the_period(db):
    tree = await unit_tree(db)
    await seed_march(db)
    series = await march_series(db, tree)
    assert tuple(w.label for w in series.weeks) == MARCH_WEEKS
    assert series.weeks[0].monday == date(2026, 2, 23)
    tips = {w.label: dict(w.tips) for w in series.weeks if w.tips_received}
    assert tips == {
        "2026-W09": {"valuable": 1, "not_valuable": 0, "false": 0, "unassessed": 0},
        "2026-W10": {"valuable": 0, "not_valuable": 0, "false": 2, "unassessed": 0},
        "2026-W12": {"valuable": 0, "not_valuable": 0, "false": 0, "unassessed": 1},
        "2026-W14": {"valuable": 0, "not_valuable": 1, "false": 0, "unassessed": 0},
    }
    # The weeks add up to the /stats figure of the same period and scope.
    stats = await unit_statistics(db, tree, "TT", series.period, weekly_target=2,
                                  category_keys=[], outcome_kinds=[], tz=VN)
    assert sum(w.tips_received for w in series.weeks) == stats.tips.received == 5


async def test_bulletins_per_group_are_judged_over_whole_weeks(db):
    tree = await unit_tree(db)
    await seed_march(db)
    weeks = {w.label: w for w in (await march_series(db, tree)).weeks}
    w09, w10, w11 = weeks["2026-W09"], weeks["2026-W10"], weeks["2026-W11"]
    assert (w09.groups, w09.deliveries, w09.groups_on_target) == (3, 4, 1)
    # The hamlet's failed copy does not count: it got two of three; the newcomer is not judged.
    assert (w10.groups, w10.deliveries, w10.groups_on_target) == (3, 8, 3)
    assert round(w10.bulletins_per_group, 2) == 2.67
    assert (w11.groups, w11.deliveries, w11.groups_on_target, w11.bulletins_per_group) == (
        4, 0, 0, 0.0)
    hamlet = {w.label: w for w in (await march_series(db, tree, "TT-A1")).weeks}
    assert (hamlet["2026-W10"].groups, hamlet["2026-W10"].deliveries) == (1, 2)


async def test_scope_target_and_an_empty_period_give_zeros_not_gaps(db):
    tree = await unit_tree(db)
    await seed_march(db)
    other = await march_series(db, tree, "BT", target=1)
    assert [w.tips_received for w in other.weeks] == [0, 1, 0, 0, 0, 0]
    assert [w.groups_on_target for w in other.weeks] == [0, 1, 0, 0, 0, 0]
    no_target = await march_series(db, tree, target=0)
    assert all(w.groups_on_target == w.groups for w in no_target.weeks)
    empty = await weekly_series(db, tree, "DT", parse_period("2025-W30", now=NOW, tz=VN),
                                weekly_target=2, tz=VN)
    assert [(w.label, w.tips_received, w.groups) for w in empty.weeks] == [("2025-W30", 0, 0)]
    assert empty.is_empty and not other.is_empty


async def test_weeks_that_have_not_begun_judge_no_group(db):
    tree = await unit_tree(db)
    await seed_march(db)
    period = parse_period("2026-03", now=NOW, tz=VN)
    # Asked on Wednesday of W11: W11 is judged so far, W12 onwards have not begun.
    series = await weekly_series(db, tree, "TT", period, weekly_target=2, tz=VN,
                                 now=local(2026, 3, 11, 9, 0))
    weeks = {w.label: w for w in series.weeks}
    assert weeks["2026-W11"].groups == 4
    assert [weeks[f"2026-W{n}"].groups for n in (12, 13, 14)] == [0, 0, 0]
    assert weeks["2026-W12"].tips_received == 1  # only the bulletin judgement waits for a week
