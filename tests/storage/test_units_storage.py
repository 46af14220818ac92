"""Units added, renamed and moved in chat (SPEC §2, §7 ``/unit``), on SQLite and PostgreSQL:
checked against the tree in the database, audited in the same transaction, kept by every config
sync, and counted right by the statistics' running totals at once."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat
from org.directory import Directory
from org.units import Unit, UnitRefusal
from reports.periods import parse_period
from reports.stats import unit_statistics
from storage import units as unit_store
from storage.audit import entries_for
from storage.rollup_tables import stats_rollup_state, unit_ancestors
from storage.schema import units
from storage.stats_rebuild import ensure_rollup, rebuild_rollup
from tests.stats_seed import VN, add_groups, file_tip, local, record_outcome, send_bulletin
from tests.storage.test_stats_rollup import UNITS as BUSY_UNITS
from tests.storage.test_stats_rollup import a_busy_month, snapshot

ADMIN = address_of_chat(1001)
UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT", "Xã Tân Thành", "DT"),
         Unit("BT", "Xã Bình Thành", "DT")]
NOW = local(2026, 3, 5)


async def directory_for(db, declared=UNITS) -> Directory:
    directory = Directory(db)
    await directory.sync_from_config(declared, [], NOW)
    return directory


async def tips_received(db, directory, code) -> int:
    period = parse_period("2026-03", now=NOW, tz=VN)
    figures = await unit_statistics(db, directory.tree, code, period, weekly_target=2,
                                    category_keys=["other"], outcome_kinds=["cases"])
    return figures.tips.received


async def ancestors_rows(db) -> set[tuple[int, int]]:
    async with db.reading() as conn:
        return {tuple(r) for r in await conn.execute(select(unit_ancestors))}


async def test_a_unit_added_in_chat_is_stored_audited_and_in_the_tree_at_once(db):
    directory = await directory_for(db)
    result = await directory.add_unit(ADMIN, "TT-A2", "  Ấp\u202e  2 ", "tt", NOW)
    assert result.refusal is None
    unit = directory.tree.find("tt-a2")
    assert unit == Unit("TT-A2", "Ấp 2", "TT", from_config=False)
    assert directory.tree.contains("DT", "TT-A2")
    async with db.reading() as conn:
        row = (await conn.execute(select(units).where(units.c.code_key == "TT-A2"))).one()
        audit = await entries_for(conn, "unit:TT-A2")
    assert row.source == "chat" and row.name == "Ấp 2"
    assert [(e.action, e.actor, e.detail) for e in audit] == [
        ("unit.add", ADMIN, "TT Ấp 2")]


async def test_chat_changes_are_refused_with_the_reason_and_change_nothing(db):
    directory = await directory_for(db)
    await directory.add_unit(ADMIN, "TT-A2", "Ấp 2", "TT", NOW)
    await directory.add_unit(ADMIN, "TT-A2-T1", "Tổ 1", "TT-A2", NOW)
    refused = {
        "bad code": await directory.add_unit(ADMIN, "ẤP-3", "Ấp 3", "TT", NOW),
        "too long": await directory.add_unit(ADMIN, "X" * 33, "Ấp 3", "TT", NOW),
        "same code": await directory.add_unit(ADMIN, "tt-a2", "Ấp 2 bis", "TT", NOW),
        "config code": await directory.add_unit(ADMIN, "bt", "Xã", "DT", NOW),
        "no parent": await directory.add_unit(ADMIN, "TT-A3", "Ấp 3", "HN", NOW),
        "blank name": await directory.add_unit(ADMIN, "TT-A3", "\u200b \u2800", "TT", NOW),
        "long name": await directory.add_unit(ADMIN, "TT-A3", "Ấ" * 201, "TT", NOW),
        "rename config": await directory.rename_unit(ADMIN, "TT", "Xã mới", NOW),
        "rename nothing": await directory.rename_unit(ADMIN, "HN", "Hà Nội", NOW),
        "rename blank": await directory.rename_unit(ADMIN, "TT-A2", "\u200d", NOW),
        "move config": await directory.move_unit(ADMIN, "TT", "BT", NOW),
        "move under itself": await directory.move_unit(ADMIN, "TT-A2", "tt-a2", NOW),
        "move under its own": await directory.move_unit(ADMIN, "TT-A2", "TT-A2-T1", NOW),
        "move nowhere": await directory.move_unit(ADMIN, "TT-A2", "HN", NOW),
        "move in place": await directory.move_unit(ADMIN, "TT-A2", "TT", NOW),
    }
    assert {why: r.refusal for why, r in refused.items()} == {
        "bad code": UnitRefusal.BAD_CODE, "too long": UnitRefusal.BAD_CODE,
        "same code": UnitRefusal.DUPLICATE_CODE, "config code": UnitRefusal.DUPLICATE_CODE,
        "no parent": UnitRefusal.UNKNOWN_PARENT, "blank name": UnitRefusal.NO_NAME,
        "long name": UnitRefusal.NAME_TOO_LONG,
        "rename config": UnitRefusal.DECLARED_IN_CONFIG,
        "rename nothing": UnitRefusal.UNKNOWN_UNIT, "rename blank": UnitRefusal.NO_NAME,
        "move config": UnitRefusal.DECLARED_IN_CONFIG, "move under itself": UnitRefusal.CYCLE,
        "move under its own": UnitRefusal.CYCLE, "move nowhere": UnitRefusal.UNKNOWN_PARENT,
        "move in place": UnitRefusal.ALREADY_THERE,
    }
    assert refused["same code"].unit.code == "TT-A2"  # the refusal names the unit in the way
    assert len(directory.tree) == 5
    assert directory.tree.find("TT").name == "Xã Tân Thành"
    assert directory.tree.find("TT-A2").parent_code == "TT"
    async with db.reading() as conn:
        assert [e.action for e in await entries_for(conn, "unit:TT-A2")] == ["unit.add"]
        assert await entries_for(conn, "unit:TT") == []


async def test_rename_and_move_are_audited(db):
    directory = await directory_for(db)
    await directory.add_unit(ADMIN, "A2", "Ấp 2", "TT", NOW)
    renamed = await directory.rename_unit(ADMIN, "a2", "Ấp Hai", NOW)
    moved = await directory.move_unit(ADMIN, "a2", "bt", NOW)
    assert (renamed.previous.name, renamed.unit.name) == ("Ấp 2", "Ấp Hai")
    assert (moved.previous.parent_code, moved.unit.parent_code) == ("TT", "BT")
    assert directory.tree.contains("BT", "A2") and not directory.tree.contains("TT", "A2")
    async with db.reading() as conn:
        audit = await entries_for(conn, "unit:A2")
    assert [(e.action, e.detail) for e in audit] == [
        ("unit.add", "TT Ấp 2"), ("unit.rename", "Ấp 2 -> Ấp Hai"), ("unit.move", "TT -> BT")]


async def test_two_moves_at_once_cannot_make_a_loop(db):
    directory = await directory_for(db)
    await directory.add_unit(ADMIN, "A", "A", "TT", NOW)
    await directory.add_unit(ADMIN, "B", "B", "TT", NOW)
    results = await asyncio.gather(directory.move_unit(ADMIN, "A", "B", NOW),
                                   directory.move_unit(ADMIN, "B", "A", NOW))
    assert sorted(str(r.refusal) for r in results) == ["None", "cycle"]
    assert directory.tree.contains("TT", "A") and directory.tree.contains("TT", "B")


async def test_chat_units_survive_a_restart_and_the_file_takes_over_a_code_it_declares(db,
                                                                                       caplog):
    directory = await directory_for(db)
    await directory.add_unit(ADMIN, "tt-a2", "Ấp 2 (chat)", "TT", NOW)
    await directory.add_unit(ADMIN, "TT-A2-T1", "Tổ 1", "TT-A2", NOW)
    restarted = await directory_for(db)
    assert restarted.tree.find("TT-A2") == Unit("tt-a2", "Ấp 2 (chat)", "TT", from_config=False)
    # The file now declares TT-A2 itself, under another commune: its name and parent apply, it
    # changes only in the file from now on, and the chat unit below it stays where it was.
    with caplog.at_level(logging.WARNING, logger="org.directory"):
        taken = await directory_for(db, [*UNITS, Unit("TT-A2", "Ấp 2", "BT")])
    assert taken.tree.find("tt-a2") == Unit("TT-A2", "Ấp 2", "BT", from_config=True)
    assert taken.tree.find("TT-A2-T1").parent_code == "TT-A2"
    assert "unit TT-A2, added in chat, is now declared in config.toml" in caplog.text
    assert (await taken.rename_unit(ADMIN, "TT-A2", "x", NOW)).refusal is (
        UnitRefusal.DECLARED_IN_CONFIG)


async def test_a_unit_the_file_drops_is_kept_with_its_chat_units_and_managed_in_chat(db,
                                                                                      caplog):
    directory = await directory_for(db, [*UNITS, Unit("TT-A1", "Ấp 1", "TT")])
    await directory.add_unit(ADMIN, "TT-A1-T5", "Tổ 5", "TT-A1", NOW)
    tip = await file_tip(db, "TT-A1-T5", local(2026, 3, 4))
    assert tip
    with caplog.at_level(logging.WARNING, logger="org.directory"):
        dropped = await directory_for(db)
    assert dropped.tree.find("TT-A1") == Unit("TT-A1", "Ấp 1", "TT", from_config=False)
    assert dropped.tree.find("TT-A1-T5").parent_code == "TT-A1"
    assert "unit TT-A1 is no longer declared in config.toml: it is kept, with the 1 unit(s)" \
        in caplog.text
    assert await tips_received(db, dropped, "TT") == 1
    # Now a chat unit: an admin may move it (and what is below it) elsewhere.
    assert (await dropped.move_unit(ADMIN, "TT-A1", "BT", NOW)).refusal is None
    assert await tips_received(db, dropped, "BT") == 1
    assert await tips_received(db, dropped, "TT") == 0


async def test_a_new_unit_counts_at_once_without_a_rebuild(db):
    directory = await directory_for(db)
    await file_tip(db, "TT", local(2026, 3, 2))
    before = await ancestors_rows(db)
    await directory.add_unit(ADMIN, "TT-A2", "Ấp 2", "TT", NOW)
    # Only the new unit's scopes were added: the totals were not rebuilt, and need no rebuild.
    added = await ancestors_rows(db) - before
    assert len(added) == 4 and before <= await ancestors_rows(db)
    async with db.transaction() as conn:
        assert not await ensure_rollup(conn, NOW)
    chats = await add_groups(db, "TT-A2", [15], local(2026, 2, 20))
    await send_bulletin(db, "TT", chats, local(2026, 3, 3))
    await file_tip(db, "TT-A2", local(2026, 3, 3))
    await record_outcome(db, "TT-A2", local(2026, 3, 4), {"cases": 2})
    assert [await tips_received(db, directory, code) for code in ("TT-A2", "TT", "DT", "BT")] \
        == [1, 2, 2, 0]
    kept = await snapshot(db)
    async with db.transaction() as conn:
        await rebuild_rollup(conn, NOW)
    assert await snapshot(db) == kept


async def test_moving_a_unit_moves_its_figures_to_the_new_units_above(db):
    directory = await directory_for(db)
    await directory.add_unit(ADMIN, "TT-A2", "Ấp 2", "TT", NOW)
    await directory.add_unit(ADMIN, "TT-A2-T1", "Tổ 1", "TT-A2", NOW)
    await file_tip(db, "TT-A2", local(2026, 3, 2))
    await file_tip(db, "TT-A2-T1", local(2026, 3, 3))
    await record_outcome(db, "TT-A2-T1", local(2026, 3, 4), {"cases": 1})
    await directory.move_unit(ADMIN, "TT-A2", "BT", NOW)
    assert [await tips_received(db, directory, code)
            for code in ("TT", "BT", "TT-A2", "TT-A2-T1", "DT")] == [0, 2, 2, 1, 2]
    kept = await snapshot(db)
    async with db.transaction() as conn:
        await rebuild_rollup(conn, NOW)
    assert await snapshot(db) == kept


async def test_a_move_carries_every_total_without_a_rebuild(db):
    """A busy month (tips, outcomes, deliveries, failures, groups judged or not) under TT-A1,
    then TT-A1 goes from Tân Thành to Bình Thành: the totals equal a rebuild's, though none ran."""
    await Directory(db).sync_from_config(BUSY_UNITS, [], NOW)
    await a_busy_month(db)
    later = local(2026, 4, 2)
    async with db.transaction() as conn:
        await unit_store.move_unit(conn, "TT-A1", "BT", later)
    moved, scopes = await snapshot(db), await ancestors_rows(db)
    async with db.reading() as conn:
        built_at = (await conn.execute(select(stats_rollup_state.c.built_at))).scalar_one()
    assert built_at == NOW  # carried over, not rebuilt
    async with db.transaction() as conn:
        assert not await ensure_rollup(conn, later)  # the totals know the new tree
        await rebuild_rollup(conn, later)
    assert await snapshot(db) == moved
    assert await ancestors_rows(db) == scopes
