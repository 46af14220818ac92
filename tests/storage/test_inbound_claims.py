"""Claims of inbound Zalo OA, Zalo Bot and SMS events, on SQLite and PostgreSQL (SPEC §11, §12,
§13): a claim is new once; a failed handling's claim goes (the retry is handled); a claim left
``handling`` becomes ``uncertain`` and stays so; finished claims are pruned by age, never one
still being handled; migration 0027 keeps the rows already there, as handled."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Insert, String, column, insert, inspect, select, table

from storage import inbound_claims
from storage.inbound_claims import (
    DONE,
    HANDLING,
    SMS_MESSAGES,
    UNCERTAIN,
    ZALO_BOT_MESSAGES,
    ZALO_OA_EVENTS,
    ClaimTable,
)
from storage.migrate import _alembic_config, current_revision, head_revision
from storage.schema import UTCDateTime

TABLES = [ZALO_OA_EVENTS, ZALO_BOT_MESSAGES, SMS_MESSAGES]


async def states(db, claims: ClaimTable) -> dict[str, str]:
    async with db.reading() as conn:
        rows = await conn.execute(select(claims.key, claims.state))
        return {key: state for key, state in rows}


@pytest.mark.parametrize("claims", TABLES, ids=lambda c: c.table.name)
async def test_a_claim_is_new_once_and_again_after_a_failed_handling(db, clock, claims):
    async with db.transaction() as conn:
        assert await inbound_claims.claim(conn, claims, "k1", clock.now()) is None
        assert await inbound_claims.claim(conn, claims, "k1", clock.now()) == HANDLING
        await inbound_claims.release(conn, claims, "k1")  # the handling failed
        assert await inbound_claims.claim(conn, claims, "k1", clock.now()) is None
        await inbound_claims.finish(conn, claims, "k1")
        assert await inbound_claims.claim(conn, claims, "k1", clock.now()) == DONE
        await inbound_claims.release(conn, claims, "k1")  # a done claim is never released
    assert await states(db, claims) == {"k1": DONE}


@pytest.mark.parametrize("claims", TABLES, ids=lambda c: c.table.name)
async def test_claims_left_handling_become_uncertain_for_good(db, clock, claims):
    async with db.transaction() as conn:
        for key in ("left", "done", "another-left"):
            await inbound_claims.claim(conn, claims, key, clock.now())
        await inbound_claims.finish(conn, claims, "done")
    async with db.transaction() as conn:
        assert await inbound_claims.give_up_handling(conn, claims) == 2
        assert await inbound_claims.give_up_handling(conn, claims) == 0
        # The dead process's handling cannot finish or release it any more.
        await inbound_claims.finish(conn, claims, "left")
        await inbound_claims.release(conn, claims, "another-left")
        assert not await inbound_claims.set_uncertain(conn, claims, "left")
        assert await inbound_claims.claim(conn, claims, "left", clock.now()) == UNCERTAIN
    assert await states(db, claims) == {"left": UNCERTAIN, "done": DONE,
                                        "another-left": UNCERTAIN}


@pytest.mark.parametrize("claims", TABLES, ids=lambda c: c.table.name)
async def test_only_finished_claims_are_pruned(db, clock, claims):
    old, late = clock.now(), clock.now() + timedelta(hours=3)
    async with db.transaction() as conn:
        for key in ("old-done", "old-uncertain", "old-handling"):
            await inbound_claims.claim(conn, claims, key, old)
        await inbound_claims.finish(conn, claims, "old-done")
        await inbound_claims.set_uncertain(conn, claims, "old-uncertain")
        await inbound_claims.claim(conn, claims, "late", late)
        await inbound_claims.finish(conn, claims, "late")
    async with db.transaction() as conn:
        assert await inbound_claims.prune(conn, claims, old + timedelta(hours=1)) == 2
    assert await states(db, claims) == {"old-handling": HANDLING, "late": DONE}


async def _migrate(db, action: str, revision: str) -> None:
    def run(connection) -> None:
        getattr(command, action)(_alembic_config(connection), revision)

    async with db.schema_change() as conn:
        await conn.run_sync(run)


async def test_migration_0027_keeps_the_rows_already_there_as_handled(db, clock):
    await _migrate(db, "downgrade", "0025")
    async with db.reading() as conn:
        tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    assert "sms_seen_messages" not in tables
    async with db.transaction() as conn:
        await conn.execute(_old_row(ZALO_OA_EVENTS, "before-oa", clock.now()))
        await conn.execute(_old_row(ZALO_BOT_MESSAGES, "before-bot", clock.now()))

    await _migrate(db, "upgrade", "head")

    assert await current_revision(db) == head_revision()
    assert await states(db, ZALO_OA_EVENTS) == {"before-oa": DONE}
    assert await states(db, ZALO_BOT_MESSAGES) == {"before-bot": DONE}
    assert await states(db, SMS_MESSAGES) == {}


def _old_row(claims: ClaimTable, key: str, at: datetime) -> Insert:
    """An insert naming only the columns the table had before 0027."""
    old = table(claims.table.name, column(claims.key.name, String()),
                column(claims.claimed_at.name, UTCDateTime()))
    return insert(old).values({claims.key.name: key, claims.claimed_at.name: at})
