"""The statistics' running totals (migration 0007): kept event by event in the same transaction,
they must equal what a rebuild from the rows gives, whatever happened in between: tips assessed
and closed, deliveries sent, failed and re-sent, groups moved to another unit, removed, back,
registered again. A changed tree or timezone rebuilds them at start-up."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import or_, select

from channels.telegram_addresses import address_of_chat as telegram
from org.directory import Directory
from org.units import Unit
from reports.periods import parse_period
from reports.stats import unit_statistics
from storage import deliveries as delivery_store
from storage import groups as group_store
from storage import resends
from storage.rollup_tables import (
    stats_channel_days,
    stats_delivery_days,
    stats_group_weeks,
    stats_outcome_days,
    stats_rollup_state,
    stats_tip_category_days,
    stats_tip_state_days,
    stats_week_groups,
)
from storage.schema import deliveries
from storage.stats_rebuild import ensure_rollup, rebuild_rollup
from storage.tip_records import Assessment
from tests.stats_seed import (
    STAFF,
    VN,
    add_groups,
    file_tip,
    local,
    record_outcome,
    send_bulletin,
)

UNITS = [Unit("DT", "Tỉnh", None), Unit("TT", "Xã Tân Thành", "DT"),
         Unit("TT-A1", "Ấp 1", "TT"), Unit("BT", "Xã Bình Thành", "DT")]
TOTALS = (stats_tip_category_days, stats_tip_state_days, stats_delivery_days,
          stats_outcome_days, stats_group_weeks, stats_week_groups, stats_channel_days)
START = local(2026, 3, 2)


async def snapshot(db) -> dict[str, set[tuple]]:
    """Every total that is not zero (a total that went back to zero may stay as a row)."""
    found = {}
    async with db.reading() as conn:
        for table in TOTALS:
            amounts = [c for c in table.c if not c.primary_key]
            rows = await conn.execute(select(table).where(or_(*(a != 0 for a in amounts))))
            found[table.name] = {tuple(row) for row in rows}
    return found


async def a_busy_month(db) -> None:
    """Seeded randomly, the same way each run: every kind of event the totals follow."""
    chance = random.Random(7)
    hamlet = await add_groups(db, "TT-A1", [10, 12, 14], START - timedelta(days=10))
    commune = await add_groups(db, "TT", [20, 22], START - timedelta(days=10))
    other = await add_groups(db, "BT", [30], START + timedelta(days=3))  # joins mid-week
    zalo = await add_groups(db, "TT", [40], START - timedelta(days=10), channel="zalo_oa")
    everyone = [*hamlet, *commune, *other, *zalo]
    for day in range(28):
        at = START + timedelta(days=day, hours=chance.randint(0, 23))
        if day % 3 == 0:
            sent = chance.sample(everyone, chance.randint(1, len(everyone) - 1))
            failing = [c for c in everyone if c not in sent][:1]
            await send_bulletin(db, chance.choice(["TT", "BT"]), sent, at, failing=failing)
        for _ in range(chance.randint(0, 3)):
            await file_tip(db, chance.choice(["TT", "TT-A1", "BT", "DT"]), at,
                           category=chance.choice(["drugs", "theft", "other"]),
                           assessment=chance.choice(list(Assessment)),
                           closed=chance.random() < 0.4,
                           channel=chance.choice(["telegram", "zalo_oa", "sms"]))
        if day % 5 == 0:
            await record_outcome(db, chance.choice(["TT-A1", "BT"]), at,
                                 {"cases": chance.randint(1, 3), "persons": 2})
    later = START + timedelta(days=20)
    async with db.transaction() as conn:
        await group_store.link_group(conn, telegram(hamlet[0]), "Tổ chuyển", "BT",
                                     STAFF, later)
        await group_store.mark_group_inactive(conn, telegram(commune[0]), later)
        await group_store.mark_group_inactive(conn, telegram(hamlet[1]), later)
        await group_store.link_group(conn, zalo[0], "Nhóm Zalo chuyển", "TT-A1", STAFF, later)
        await group_store.note_group_seen(conn, telegram(hamlet[1]), "Tổ quay lại",
                                          later)  # back again


async def test_totals_kept_event_by_event_equal_a_rebuild(db):
    await Directory(db).sync_from_config(UNITS, [], START)
    await a_busy_month(db)
    kept = await snapshot(db)
    assert all(kept[table.name] for table in TOTALS if table is not stats_group_weeks)
    async with db.transaction() as conn:
        await rebuild_rollup(conn, START)
    assert await snapshot(db) == kept


async def test_a_forced_resend_is_not_a_second_delivery_in_the_totals(db):
    await Directory(db).sync_from_config(UNITS, [], START)
    chats = await add_groups(db, "TT", [10, 11], START - timedelta(days=7))
    bulletin = await send_bulletin(db, "TT", chats, START)
    before = await snapshot(db)
    next_day = START + timedelta(days=1)
    async with db.transaction() as conn:
        dispatch_id = (await conn.execute(select(deliveries.c.dispatch_id).where(
            deliveries.c.bulletin_id == bulletin))).scalars().first()
        targets = await resends.resend_targets(conn, dispatch_id)
        await resends.plan_round(conn, dispatch_id, targets, next_day)
        second_round = (await conn.execute(select(deliveries.c.id).where(
            deliveries.c.round == 1))).scalars().all()
        assert len(second_round) == 2
        for delivery_id in second_round:
            assert await delivery_store.claim_for_sending(conn, delivery_id, silent=False,
                                                          now=next_day)
            await delivery_store.mark_sent(conn, delivery_id, 99, next_day)
    assert await snapshot(db) == before


async def test_a_changed_tree_or_timezone_rebuilds_the_totals_at_start(db):
    await Directory(db).sync_from_config(UNITS, [], START)
    await file_tip(db, "TT-A1", START)
    period = parse_period("2026-03", now=START, tz=VN)
    tree = (await _directory(db, UNITS)).tree
    figures = await unit_statistics(db, tree, "TT", period, weekly_target=2,
                                    category_keys=["other"], outcome_kinds=[])
    assert figures.tips.received == 1
    # The hamlet moves from Tân Thành to Bình Thành in the config: its tip follows it.
    moved = [*UNITS[:2], Unit("TT-A1", "Ấp 1", "BT"), UNITS[3]]
    tree = (await _directory(db, moved)).tree
    for code, expected in (("TT", 0), ("BT", 1), ("DT", 1)):
        figures = await unit_statistics(db, tree, code, period, weekly_target=2,
                                        category_keys=["other"], outcome_kinds=[])
        assert figures.tips.received == expected, code
    async with db.transaction() as conn:
        assert not await ensure_rollup(conn, START)  # nothing changed since: no rebuild
        built_for = (await conn.execute(select(stats_rollup_state.c.timezone))).scalar_one()
    assert built_for == "Asia/Ho_Chi_Minh"


async def _directory(db, units):
    directory = Directory(db)
    await directory.sync_from_config(units, [], START)
    return directory
