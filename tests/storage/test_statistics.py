"""Statistics (SPEC §6, §10, §12) on SQLite and PostgreSQL, on data built with the storage
functions the bot uses: a district reproduced figure for figure, scope, period edges, zeros."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from channels.telegram_addresses import address_of_chat as telegram
from core.config_model import DEFAULT_CATEGORIES, DEFAULT_OUTCOME_KINDS
from org.directory import Directory
from org.units import Unit, UnitTree
from reports.periods import parse_period
from reports.render.json_report import render_json
from reports.stats import UnitStatistics, UnknownUnit, unit_statistics
from storage import groups as group_store
from storage.cases import merge as merge_tips
from storage.tip_records import Assessment
from storage.tips_tables import tips
from tests.stats_seed import (
    VN,
    add_groups,
    count_members,
    file_tip,
    local,
    record_outcome,
    send_bulletin,
)

UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT", "Xã Tân Thành", "DT"),
         Unit("TT-A1", "Ấp 1", "TT"), Unit("BT", "Xã Bình Thành", "DT")]
NOW = datetime(2026, 6, 1, tzinfo=UTC)


async def unit_tree(db) -> UnitTree:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [], NOW)
    return directory.tree


async def stats_of(db, tree, unit_code, period_text, *, now=None, target=2,
                   categories=DEFAULT_CATEGORIES,
                   kinds=DEFAULT_OUTCOME_KINDS) -> UnitStatistics:
    period = parse_period(period_text, now=NOW, tz=VN)
    return await unit_statistics(db, tree, unit_code, period, weekly_target=target,
                                 category_keys=categories, outcome_kinds=kinds, now=now, tz=VN)


# ---- the district of the reports: 12 groups, 196 members, 36 bulletins, 106 tips ------------

DISTRICT_PERIOD = "2026-01-05..2026-05-10"  # ISO weeks 2026-W02 to 2026-W19, 18 whole weeks
FIRST_MONDAY = date(2026, 1, 5)
SIZES = [16] * 11 + [20]  # 196 members


async def build_district(db) -> dict[str, list[int]]:
    before = local(2026, 1, 2)
    chats = {"TT": await add_groups(db, "TT", [10] * 8, before),
             "TT-A1": await add_groups(db, "TT-A1", [10] * 4, before),
             "BT": await add_groups(db, "BT", [50, 50], before)}
    district = chats["TT"] + chats["TT-A1"]
    await count_members(db, district, SIZES, local(2026, 5, 1))  # the count the report uses
    await count_members(db, district, [99] * 12, local(2026, 5, 11))  # after the period
    left = await add_groups(db, "TT", [30], before)
    async with db.transaction() as conn:
        await group_store.mark_group_inactive(conn, telegram(left[0]), local(2026, 3, 1))
    await add_groups(db, "TT-A1", [40], local(2026, 5, 11))  # joined after the period

    # Two bulletins a week to every group; W07 got one, W08 made up with three.
    for week in range(18):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        days = {5: [0], 6: [0, 3, 5]}.get(week, [0, 3])
        for offset in days:
            day = monday + timedelta(days=offset)
            await send_bulletin(db, "TT", district, local(day.year, day.month, day.day))
    await send_bulletin(db, "TT", [], local(2026, 3, 10), failing=district[:1])
    await send_bulletin(db, "BT", chats["BT"], local(2026, 1, 13))
    await send_bulletin(db, "TT", district, local(2026, 5, 11, 0, 0))  # the day after

    plan = ([Assessment.VALUABLE] * 60 + [Assessment.NOT_VALUABLE] * 30
            + [Assessment.FALSE] * 6 + [Assessment.UNASSESSED] * 10)
    categories = ["drugs"] * 20 + ["theft"] * 30 + ["fraud"] * 26 + ["other"] * 30
    tip_ids = []
    for n, (assessment, category) in enumerate(zip(plan, categories, strict=True)):
        at = local(2026, 1, 6) + timedelta(hours=25 * n)
        tip_ids.append(await file_tip(db, "TT" if n % 3 else "TT-A1", at, category=category,
                                      assessment=assessment, closed=n < 80))
    await file_tip(db, "TT", local(2026, 1, 4, 23, 59))  # the evening before
    await file_tip(db, "BT", local(2026, 2, 2), category="drugs")

    await record_outcome(db, "TT", local(2026, 2, 1), {"cases": 4, "persons": 50, "knives": 7},
                         tip_ids[0])
    await record_outcome(db, "TT", local(2026, 3, 1), {"cases": 2, "persons": 19, "guns": 4},
                         tip_ids[1])
    await record_outcome(db, "TT-A1", local(2026, 4, 1), {"stun_batons": 5})
    await record_outcome(db, "TT", local(2026, 5, 12), {"cases": 1})  # after the period
    await record_outcome(db, "BT", local(2026, 2, 1), {"persons": 3})
    return chats


async def test_district_report_carries_exactly_the_reported_figures(db):
    tree = await unit_tree(db)
    await build_district(db)
    # Three residents reported one incident: merged, they are one case and still three tips.
    async with db.transaction() as conn:
        first, second, third = (await conn.execute(
            select(tips.c.id).order_by(tips.c.id).limit(3))).scalars().all()
        await merge_tips(conn, second, first)
        await merge_tips(conn, third, first)
    stats = await stats_of(db, tree, "tt", DISTRICT_PERIOD, now=NOW)
    by_category = dict.fromkeys(DEFAULT_CATEGORIES, 0) | {
        "drugs": 20, "theft": 30, "fraud": 26, "other": 30}
    assert json.loads(render_json(stats)) == {
        "period": {"from": "2026-01-05", "to": "2026-05-10", "label": DISTRICT_PERIOD},
        "unit": "TT",
        "groups": {"count": 12, "members": 196,
                   "by_channel": {"telegram": {"count": 12, "members": 196}}},
        "bulletins": {"sent": 36, "deliveries": 432, "failed": 1, "weekly_target": 2,
                      "weeks_below_target": ["2026-W07"],
                      "by_channel": {"telegram": {"deliveries": 432, "failed": 1}}},
        "tips": {"received": 106, "valuable": 60, "not_valuable": 30, "false": 6,
                 "unassessed": 10, "closed": 80, "by_category": by_category, "cases": 104,
                 "by_channel": {"telegram": {"received": 106}}},
        "outcomes": {"cases": 6, "persons": 69, "knives": 7, "guns": 4, "stun_batons": 5},
    }


async def test_a_commune_sees_only_its_subtree(db):
    tree = await unit_tree(db)
    await build_district(db)
    hamlet = await stats_of(db, tree, "TT-A1", DISTRICT_PERIOD)
    assert (hamlet.groups.count, hamlet.groups.members) == (4, 3 * 16 + 20)
    assert hamlet.bulletins.sent == 36 and hamlet.bulletins.deliveries == 36 * 4
    assert hamlet.tips.received == 36  # every third tip went to the hamlet
    assert dict(hamlet.outcomes)["stun_batons"] == 5 and dict(hamlet.outcomes)["cases"] == 0
    other = await stats_of(db, tree, "BT", DISTRICT_PERIOD)
    assert (other.groups.count, other.groups.members) == (2, 100)
    assert (other.bulletins.sent, other.bulletins.deliveries) == (1, 2)
    assert other.tips.received == 1 and other.tips.by_category["drugs"] == 1
    assert dict(other.outcomes)["persons"] == 3
    province = await stats_of(db, tree, "DT", DISTRICT_PERIOD)
    assert (province.groups.count, province.groups.members) == (14, 296)
    assert (province.bulletins.sent, province.bulletins.deliveries) == (37, 434)
    assert province.tips.received == 107 and dict(province.outcomes)["persons"] == 72


async def test_a_tip_at_2359_on_the_last_day_counts_and_midnight_after_does_not(db):
    tree = await unit_tree(db)
    await file_tip(db, "TT", local(2026, 2, 28, 23, 59, 59), category="theft")
    await file_tip(db, "TT", local(2026, 3, 1, 0, 0), category="drugs")
    await file_tip(db, "TT", local(2026, 3, 31, 23, 59), category="fraud")
    await file_tip(db, "TT", local(2026, 4, 1, 0, 0), category="fire")
    await record_outcome(db, "TT", local(2026, 3, 31, 23, 59), {"persons": 2})
    await record_outcome(db, "TT", local(2026, 4, 1, 0, 0), {"persons": 5})
    chats = await add_groups(db, "TT", [5], local(2026, 2, 1))
    await send_bulletin(db, "TT", chats, local(2026, 3, 31, 23, 59))
    await send_bulletin(db, "TT", chats, local(2026, 4, 1, 0, 0))
    march = await stats_of(db, tree, "TT", "2026-03")
    assert march.tips.received == 2
    assert {k for k, n in march.tips.by_category.items() if n} == {"drugs", "fraud"}
    assert dict(march.outcomes)["persons"] == 2
    assert (march.bulletins.sent, march.bulletins.deliveries) == (1, 1)
    # 2026-03-31 23:59 local is 16:59 UTC: a UTC day boundary would have got this wrong.
    assert march.period.end_utc == datetime(2026, 3, 31, 17, 0, tzinfo=UTC)


async def test_every_configured_key_is_present_with_zero(db):
    tree = await unit_tree(db)
    stats = await stats_of(db, tree, "DT", "2026", categories=("drugs", "other"),
                           kinds=("cases", "boats"))
    assert dict(stats.tips.by_category) == {"drugs": 0, "other": 0}
    assert dict(stats.outcomes) == {"cases": 0, "boats": 0}
    assert (stats.groups.count, stats.groups.members, stats.tips.received) == (0, 0, 0)
    assert stats.bulletins.weeks_below_target == ()  # no group, nothing to fall short


async def test_keys_no_longer_configured_are_kept_so_the_parts_add_up(db):
    tree = await unit_tree(db)
    await file_tip(db, "TT", local(2026, 3, 2), category="smuggling")
    await record_outcome(db, "TT", local(2026, 3, 2), {"boats": 1})
    stats = await stats_of(db, tree, "TT", "2026-03", categories=("drugs", "other"),
                           kinds=("cases",))
    assert list(stats.tips.by_category.items()) == [("drugs", 0), ("other", 0),
                                                    ("smuggling", 1)]
    assert dict(stats.outcomes) == {"cases": 0, "boats": 1}


async def test_members_are_the_last_count_before_the_period_ends(db):
    tree = await unit_tree(db)
    chats = await add_groups(db, "TT", [10, 20], local(2026, 1, 10))
    await count_members(db, chats, [11, 21], local(2026, 1, 31, 23, 0))
    await count_members(db, chats, [50, 60], local(2026, 2, 1, 0, 0))
    january = await stats_of(db, tree, "TT", "2026-01")
    february = await stats_of(db, tree, "TT", "2026-02")
    december = await stats_of(db, tree, "TT", "2025-12")
    assert (january.groups.count, january.groups.members) == (2, 32)
    assert (february.groups.count, february.groups.members) == (2, 110)
    assert (december.groups.count, december.groups.members) == (0, 0)


async def test_a_migrated_group_counts_the_supergroups_newer_count(db):
    # The supergroup was seen, and counted, before the old group's migration message came.
    tree = await unit_tree(db)
    [old] = await add_groups(db, "TT", [10], local(2026, 1, 10))
    new = -1_009_990_777
    async with db.transaction() as conn:
        await group_store.note_group_seen(conn, telegram(new), "Tổ mới", local(2026, 2, 1))
        await group_store.record_member_count(conn, telegram(new), 15, local(2026, 2, 2))
        assert await group_store.follow_migration(conn, telegram(old), telegram(new), local(2026,
                                                                                            2, 3))
    february = await stats_of(db, tree, "TT", "2026-02")
    january = await stats_of(db, tree, "TT", "2026-01")
    assert (february.groups.count, february.groups.members) == (1, 15)
    assert (january.groups.count, january.groups.members) == (1, 10)


async def test_a_week_falls_short_when_any_group_got_fewer_than_the_target(db):
    tree = await unit_tree(db)
    early = await add_groups(db, "TT", [5, 5], local(2026, 2, 20))
    late = await add_groups(db, "TT-A1", [5], local(2026, 3, 4))  # joined Wednesday of W10
    everyone = early + late
    # W10 (2–8 March): the late group got one bulletin only, but joined mid-week: not judged.
    await send_bulletin(db, "TT", early, local(2026, 3, 2))
    await send_bulletin(db, "TT", everyone, local(2026, 3, 5))
    # W11: the second early group missed one bulletin.
    await send_bulletin(db, "TT", everyone, local(2026, 3, 9))
    await send_bulletin(db, "TT", [everyone[0], everyone[2]], local(2026, 3, 12))
    # W12: everybody got two.
    for day in (16, 19):
        await send_bulletin(db, "TT", everyone, local(2026, 3, day))
    weeks = "2026-03-02..2026-03-22"
    stats = await stats_of(db, tree, "TT", weeks)
    assert stats.bulletins.weeks_below_target == ("2026-W11",)
    hamlet = await stats_of(db, tree, "TT-A1", weeks)
    assert hamlet.bulletins.weeks_below_target == ()
    assert (await stats_of(db, tree, "TT", weeks, target=3)).bulletins.weeks_below_target == (
        "2026-W10", "2026-W11", "2026-W12")
    # Asked on Thursday of W12, that week is still in progress and is not judged yet.
    midweek = await stats_of(db, tree, "TT", weeks, target=3, now=local(2026, 3, 19, 9, 0))
    assert midweek.bulletins.weeks_below_target == ("2026-W10", "2026-W11")


async def test_an_unknown_unit_is_refused(db):
    tree = await unit_tree(db)
    with pytest.raises(UnknownUnit):
        await stats_of(db, tree, "NOWHERE", "month")


async def test_a_group_that_got_nothing_in_a_week_makes_it_fall_short(db):
    tree = await unit_tree(db)
    served = await add_groups(db, "TT", [5, 5], local(2026, 2, 20))
    forgotten = await add_groups(db, "TT-A1", [5], local(2026, 2, 20))
    left = await add_groups(db, "TT", [5], local(2026, 2, 20))
    async with db.transaction() as conn:
        await group_store.mark_group_inactive(conn, telegram(left[0]), local(2026, 2, 25))
    # W10: every active group got two. W11: the hamlet's group got nothing (one delivery to
    # it failed); the group that left got nothing either, but it is no longer judged.
    for day in (2, 5):
        await send_bulletin(db, "TT", served + forgotten, local(2026, 3, day))
    for day in (9, 12):
        await send_bulletin(db, "TT", served, local(2026, 3, day),
                            failing=forgotten if day == 9 else ())
    weeks = "2026-03-02..2026-03-15"
    assert (await stats_of(db, tree, "TT", weeks)).bulletins.weeks_below_target == ("2026-W11",)
    assert (await stats_of(db, tree, "DT", weeks)).bulletins.weeks_below_target == ("2026-W11",)
    hamlet = await stats_of(db, tree, "TT-A1", weeks)
    assert hamlet.bulletins.weeks_below_target == ("2026-W11",)
    assert (await stats_of(db, tree, "BT", weeks)).bulletins.weeks_below_target == ()
    assert (await stats_of(db, tree, "TT", weeks, target=1)).bulletins.weeks_below_target == (
        "2026-W11",)
    assert (await stats_of(db, tree, "TT", weeks, target=0)).bulletins.weeks_below_target == ()


async def test_a_forced_resend_is_not_a_second_bulletin_or_delivery(db):
    from storage import deliveries as delivery_store
    from storage import resends as resend_store
    from storage.schema import deliveries

    tree = await unit_tree(db)
    chats = await add_groups(db, "TT", [5, 5], local(2026, 2, 20))
    bulletin_id = await send_bulletin(db, "TT", chats, local(2026, 3, 9))  # Monday of W11
    at = local(2026, 3, 10)
    async with db.transaction() as conn:
        first = (await conn.execute(deliveries.select().where(
            deliveries.c.bulletin_id == bulletin_id))).first()
        dispatch = first.dispatch_id
        targets = await resend_store.resend_targets(conn, dispatch)
        assert len(targets) == 2 and {t.next_round for t in targets} == {1}
        await resend_store.plan_round(conn, dispatch, targets, at)
        again = await conn.execute(deliveries.select().where(
            deliveries.c.bulletin_id == bulletin_id, deliveries.c.round == 1))
        for n, row in enumerate(again):
            assert await delivery_store.claim_for_sending(conn, row.id, silent=False, now=at)
            await delivery_store.mark_sent(conn, row.id, 2000 + n, at)
    stats = await stats_of(db, tree, "TT", "2026-W11", target=2)
    # Four rows were sent, but one bulletin reached two groups: one bulletin, two deliveries,
    # and a week with one bulletin per group is below a target of two.
    assert (stats.bulletins.sent, stats.bulletins.deliveries) == (1, 2)
    assert stats.bulletins.weeks_below_target == ("2026-W11",)
