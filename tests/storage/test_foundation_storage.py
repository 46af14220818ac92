"""Storage of units, staff and groups, run on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from channels.telegram_addresses import address_of_chat as telegram
from channels.telegram_addresses import chat_id_of
from org import groups as group_service
from org.directory import Directory, StaffChange
from org.groups import Registration
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit
from storage import groups as group_store
from storage.audit import entries_for
from storage.migrate import current_revision, head_revision, upgrade_to_head
from storage.schema import groups, units

UNITS = [
    Unit("TT-TANTHANH", "Xã Tân Thành", "DT"),  # a child declared before its parent
    Unit("DT", "Tỉnh Đồng Tháp", None),
    Unit("TT-BINHTHANH", "Xã Bình Thành", "DT"),
]
ADMIN = StaffMember(telegram(1001), Role.ADMIN, "DT", True)
OFFICER = StaffMember(telegram(1002), Role.OFFICER, "TT-TANTHANH", True)
OTHER_OFFICER = StaffMember(telegram(1003), Role.OFFICER, "TT-BINHTHANH", True)


async def directory_for(db, clock) -> Directory:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [ADMIN, OFFICER, OTHER_OFFICER], clock.now())
    return directory


async def test_migrations_reach_head_and_are_idempotent(db):
    await upgrade_to_head(db)
    assert await current_revision(db) == head_revision()


async def test_config_units_and_staff_are_synced(db, clock):
    directory = await directory_for(db, clock)
    assert directory.tree.find("tt-tanthanh").parent_code == "DT"
    assert directory.staff_member(telegram(1002)) == OFFICER
    # A second start-up with one officer dropped from the file removes only that one.
    await directory.sync_from_config(UNITS, [ADMIN, OFFICER], clock.now())
    assert directory.staff_member(telegram(1003)) is None
    assert directory.staff_member(telegram(1001)) == ADMIN


async def test_unit_codes_are_unique_case_insensitively(db, clock):
    await directory_for(db, clock)
    with pytest.raises(IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(units.insert().values(
                code="dt", code_key="DT", name="x", source="chat", created_at=clock.now()))


async def test_staff_added_in_chat_survive_a_config_sync(db, clock):
    directory = await directory_for(db, clock)
    result = await directory.add_staff(telegram(1001), telegram(2001), Role.EDITOR, "tt-tanthanh",
                                       clock.now())
    assert result.change is StaffChange.ADDED
    assert result.member.unit_code == "TT-TANTHANH"
    await directory.sync_from_config(UNITS, [ADMIN, OFFICER], clock.now())
    assert directory.staff_member(telegram(2001)).role is Role.EDITOR
    async with db.reading() as conn:
        assert [e.action for e in await entries_for(conn, "staff:telegram:2001")] == ["staff.add"]


async def test_config_staff_cannot_be_changed_in_chat(db, clock):
    directory = await directory_for(db, clock)
    assert (await directory.remove_staff(telegram(1001), telegram(1002), clock.now())).change is (
        StaffChange.DECLARED_IN_CONFIG)
    assert (await directory.add_staff(telegram(1001), telegram(1002), Role.EDITOR, "DT",
                                      clock.now())).change is (
        StaffChange.DECLARED_IN_CONFIG)
    assert directory.staff_member(telegram(1002)) == OFFICER


async def test_removed_staff_are_gone_after_reload(db, clock):
    directory = await directory_for(db, clock)
    await directory.add_staff(telegram(1001), telegram(2002), Role.OFFICER, "TT-BINHTHANH",
                              clock.now())
    assert (await directory.remove_staff(telegram(1001), telegram(2002),
                                         clock.now())).change is StaffChange.REMOVED
    await directory.reload()
    assert directory.staff_member(telegram(2002)) is None


async def test_registration_respects_scope(db, clock):
    directory = await directory_for(db, clock)
    tree = directory.tree
    refused = await group_service.register_group(db, tree, OTHER_OFFICER, telegram(-500), "Tổ 5",
                                                 "TT-TANTHANH", clock.now())
    assert refused.outcome is Registration.OUT_OF_SCOPE
    done = await group_service.register_group(db, tree, OFFICER, telegram(-500), "Tổ 5",
                                              "tt-tanthanh",
                                              clock.now())
    assert done.outcome is Registration.REGISTERED
    again = await group_service.register_group(db, tree, OFFICER, telegram(-500), "Tổ 5",
                                               "TT-TANTHANH",
                                               clock.now())
    assert again.outcome is Registration.ALREADY
    moved = await group_service.register_group(db, tree, ADMIN, telegram(-500), "Tổ 5",
                                               "TT-BINHTHANH",
                                               clock.now())
    assert moved.outcome is Registration.MOVED and moved.previous_unit_code == "TT-TANTHANH"
    unknown = await group_service.register_group(db, tree, ADMIN, telegram(-500), "Tổ 5", "HN",
                                                 clock.now())
    assert unknown.outcome is Registration.UNKNOWN_UNIT
    async with db.reading() as conn:
        assert (await group_store.find_group(conn, telegram(-500))).unit_code == "TT-BINHTHANH"
        assert len(await entries_for(conn, "group:telegram:-500")) == 2


async def test_group_life_cycle_removed_readded_migrated(db, clock):
    directory = await directory_for(db, clock)
    await group_service.bot_joined_group(db, telegram(-600), "Tổ 6", clock.now())
    await group_service.register_group(db, directory.tree, OFFICER, telegram(-600), "Tổ 6",
                                       "TT-TANTHANH",
                                       clock.now())
    await group_service.member_count_taken(db, telegram(-600), 24, clock.now())
    assert await group_service.bot_left_group(db, telegram(-600), clock.now())
    async with db.reading() as conn:
        assert (await group_store.find_group(conn, telegram(-600))).status == group_store.INACTIVE
    await group_service.bot_joined_group(db, telegram(-600), "Tổ 6", clock.now())
    # The new supergroup may be seen before the migration message of the old group arrives.
    await group_service.bot_joined_group(db, telegram(-1009990006), "Tổ 6", clock.now())
    clock.advance(timedelta(days=1))
    assert await group_service.group_migrated(db, telegram(-600), telegram(-1009990006),
                                              clock.now())
    await group_service.member_count_taken(db, telegram(-1009990006), 25, clock.now())
    async with db.reading() as conn:
        group = await group_store.find_group(conn, telegram(-1009990006))
        assert await group_store.find_group(conn, telegram(-600)) is None
        history = await group_store.member_count_history(conn, telegram(-1009990006))
    assert group.status == group_store.ACTIVE and group.unit_code == "TT-TANTHANH"
    assert [members for _, members in history] == [24, 25]
    assert history[1][0] - history[0][0] == timedelta(days=1)


async def test_one_migration_followed_at_once_by_three_handlers_keeps_the_group(db, clock):
    # The old group's service message, the supergroup's, and a member count answered
    # "migrated" each follow the migration; none may take the group for its own duplicate.
    directory = await directory_for(db, clock)
    for round_ in range(8):
        old, new = -800 - round_, -1009990800 - round_
        await group_service.register_group(db, directory.tree, OFFICER, telegram(old), "Tổ 8",
                                           "TT-TANTHANH", clock.now())
        followed = await asyncio.gather(*(group_service.group_migrated(db, telegram(old),
                                                                       telegram(new), clock.now())
                                          for _ in range(3)))
        assert sorted(followed) == [False, False, True]
        async with db.reading() as conn:
            group = await group_store.find_group(conn, telegram(new))
        assert group is not None and group.unit_code == "TT-TANTHANH", round_


async def test_a_transaction_inside_another_fails_at_once_on_sqlite(db):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: PostgreSQL takes many writers at once")
    # The bot's SQLite writers take turns; a nested one would wait for itself for ever.
    async with db.transaction():
        with pytest.raises(RuntimeError, match="inside another"):
            async with db.transaction():
                pass
    async with db.transaction() as conn:  # and the turn was given back
        assert (await conn.execute(select(func.count()).select_from(groups))).scalar_one() == 0


async def test_a_reading_sees_one_moment(db, clock):
    await group_service.bot_joined_group(db, telegram(-900), "Tổ 9", clock.now())
    count = select(func.count()).select_from(groups)
    async with db.reading() as conn:
        before = (await conn.execute(count)).scalar_one()
        await group_service.bot_joined_group(db, telegram(-901), "Tổ 10", clock.now())
        assert (await conn.execute(count)).scalar_one() == before
    async with db.reading() as conn:
        assert (await conn.execute(count)).scalar_one() == before + 1


async def test_groups_in_scope_hide_other_communes(db, clock):
    directory = await directory_for(db, clock)
    tree = directory.tree
    await group_service.register_group(db, tree, OFFICER, telegram(-701), "Tân Thành 1",
                                       "TT-TANTHANH",
                                       clock.now())
    await group_service.register_group(db, tree, OTHER_OFFICER, telegram(-702), "Bình Thành 1",
                                       "TT-BINHTHANH", clock.now())
    mine = await group_service.groups_in_scope(db, tree, OFFICER)
    assert [chat_id_of(g.address) for g in mine] == [-701]
    assert await group_service.groups_in_scope(db, tree, OFFICER, "TT-BINHTHANH") is None
    every = await group_service.groups_in_scope(db, tree, ADMIN)
    assert {chat_id_of(g.address) for g in every} == {-701, -702}


async def test_timestamps_come_back_aware_in_utc(db, clock):
    await directory_for(db, clock)
    async with db.reading() as conn:
        created = (await conn.execute(select(units.c.created_at))).scalars().first()
    assert created == clock.now() and created.tzinfo is not None
