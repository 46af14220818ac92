"""A delivery row's claim checks the leader lock in its own UPDATE (SPEC §14): once the session
holding the lock is gone, this process claims nothing more, and the row stays pending for the
next leader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from org.directory import Directory
from org.units import Unit
from storage import bulletins as bulletin_store
from storage import deliveries as delivery_store
from storage.leader_lock import LeaderLockSession, fence_claims, leader_fence
from storage.schema import deliveries, groups
from tests.conftest import PG_URL
from tests.stats_seed import STAFF, add_groups

AT = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


async def _pending_rows(db, count: int) -> list[int]:
    await Directory(db).sync_from_config([Unit("TT", "Thị trấn", None)], [], AT)
    await add_groups(db, "TT", [10] * count, AT)
    async with db.transaction() as conn:
        bulletin = await bulletin_store.insert_bulletin(
            conn, unit_code="TT", topic="general", body="Bản tin", media_kind=None,
            media_file_id=None, status=bulletin_store.DIRECT, is_alert=False, created_by=STAFF,
            now=AT)
        dispatch = await delivery_store.insert_dispatch(conn, kind="now", unit_code="TT",
                                                        requested_by=STAFF, now=AT)
        group_ids = [row.id for row in await conn.execute(select(groups.c.id))]
        return await delivery_store.plan_deliveries(
            conn, dispatch, [(bulletin.id, g) for g in group_ids], AT)


async def _claim(db, delivery_id: int) -> bool:
    async with db.transaction() as conn:
        return await delivery_store.claim_for_sending(conn, delivery_id, silent=False, now=AT)


async def test_a_leader_that_lost_its_lock_claims_no_row(db):
    if db.dialect != "postgresql":
        pytest.skip("the leader lock is PostgreSQL's: SQLite runs one process (ops.run_lock)")
    assert leader_fence() == ()  # no fence by default: tests and SQLite claim as before
    first, second = await _pending_rows(db, 2)
    session = await LeaderLockSession.open(PG_URL)
    try:
        assert await session.try_take()
        fence_claims(session.backend_pid)
        assert await _claim(db, first)
        await session.close()  # the session is gone: the server dropped the lock with it
        assert not await _claim(db, second)
    finally:
        fence_claims(None)
        await session.close()
    async with db.reading() as conn:
        states = dict((await conn.execute(select(deliveries.c.id, deliveries.c.status))).all())
    assert states == {first: "sending", second: "pending"}
