"""The Zalo OA's stored tokens, on SQLite and PostgreSQL: the refresh token chain is only
replaced by its own rotation or, after a refusal, by a new token from the operator (the seen
webhook events: ``test_inbound_claims``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import inspect

from storage import zalo_tokens
from storage.migrate import _alembic_config, current_revision, head_revision

OA = "579745863508352884"


async def stored(db, clock):
    async with db.transaction() as conn:
        return await zalo_tokens.locked_tokens(conn, OA, clock.now())


async def seed(db, clock, token: str) -> None:
    async with db.transaction() as conn:
        await zalo_tokens.seed_tokens(conn, OA, token, f"fp-{token}", clock.now())


async def test_the_first_refresh_token_is_kept_and_the_chain_then_wins_over_the_environment(
    db, clock,
):
    assert await stored(db, clock) is None
    await seed(db, clock, "first")
    async with db.transaction() as conn:
        tokens = await zalo_tokens.locked_tokens(conn, OA, clock.now())
        assert tokens is not None and tokens.refresh_token == "first"
        await zalo_tokens.store_rotation(
            conn, OA, used_refresh_token="first", refresh_token="second", access_token="acc-2",
            access_expires_at=clock.now() + timedelta(hours=25), now=clock.now())

    await seed(db, clock, "first")  # a restart with the old variable still set
    await seed(db, clock, "stale-from-elsewhere")

    tokens = await stored(db, clock)
    assert (tokens.refresh_token, tokens.access_token) == ("second", "acc-2")
    assert tokens.access_expires_at == clock.now() + timedelta(hours=25)
    assert tokens.refused_reason is None


async def test_a_rotation_of_a_token_that_is_no_longer_current_fails_loudly(db, clock):
    await seed(db, clock, "first")
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await zalo_tokens.store_rotation(
                conn, OA, used_refresh_token="not-the-current-one", refresh_token="x",
                access_token="y", access_expires_at=clock.now(), now=clock.now())
    assert (await stored(db, clock)).refresh_token == "first"


async def test_after_a_refusal_only_a_new_token_from_the_operator_is_taken(db, clock):
    await seed(db, clock, "first")
    async with db.transaction() as conn:
        await zalo_tokens.mark_refused(conn, OA, "first", "Invalid refresh token (-14014)",
                                       clock.now())
    await seed(db, clock, "first")
    assert (await stored(db, clock)).refused_reason == "Invalid refresh token (-14014)"

    await seed(db, clock, "granted-again")

    tokens = await stored(db, clock)
    assert (tokens.refresh_token, tokens.refused_reason, tokens.access_token) == (
        "granted-again", None, None)


async def _migrate(db, action: str, revision: str) -> None:
    def run(connection) -> None:
        getattr(command, action)(_alembic_config(connection), revision)

    async with db.schema_change() as conn:
        await conn.run_sync(run)


async def test_migration_0011_goes_down_and_up(db, clock):
    await _migrate(db, "downgrade", "0010")
    async with db.reading() as conn:
        tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    assert not tables & {"zalo_tokens", "zalo_seen_events"}

    await _migrate(db, "upgrade", "head")

    assert await current_revision(db) == head_revision()
    await seed(db, clock, "first")
    assert (await stored(db, clock)).refresh_token == "first"
