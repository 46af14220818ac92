"""The open tips kept in memory for the similar-tips check (tips.open_tip_index) stay what the
database holds: tips filed, closed, merged and un-merged by another process (a second engine on
the same database, with its own memory) are seen at the next check."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import text

from storage import cases as case_store
from storage import tips as tip_store
from storage.db import Database, open_database
from tests.storage.test_similar_tips import (
    COMMUNE_OFFICER,
    FIRE,
    ROBBERY,
    ROBBERY_AGAIN,
    context,
    notices_of,
    report,
)
from tips.open_tip_index import index_of
from tips.similar_tips import compared_units
from tips.similarity import match_key

SCOPE_OF = "AP1"  # AP1 and AP2 are compared with each other and with TT


async def second_process(db: Database) -> Database:
    """Another engine on the same database, as a second bot process would have."""
    if db.dialect == "sqlite":
        return open_database(db.engine.url.render_as_string(hide_password=False))
    async with db.reading() as conn:
        schema = (await conn.execute(text("SELECT current_schema()"))).scalar_one()
    return open_database(os.environ["TEST_DATABASE_URL"],
                         connect_args={"server_settings": {"search_path": schema}})


async def held_and_stored(ctx, besides: int = 0) -> tuple[list[int], list[int]]:
    """What the index answers, and what the database answers, for the same window."""
    scope = compared_units(ctx.directory.tree, SCOPE_OF)
    since = ctx.clock.now() - timedelta(days=ctx.settings.similar_days)
    async with ctx.db.reading() as conn:
        held = await index_of(ctx.db).candidates(conn, scope, since, besides=besides)
        stored = await case_store.open_tip_ids_since(conn, scope, since, besides=besides)
    return held, stored


def suggested(notices: dict[int, dict]) -> int | None:
    similar = notices[COMMUNE_OFFICER].get("similar")
    return similar["tip_id"] if similar else None


async def test_a_tip_filed_by_another_process_is_compared_with(db, clock):
    here = await context(db, clock)
    other_db = await second_process(db)
    try:
        there = await context(other_db, clock)
        fire = await report(here, "p1", "AP1", FIRE)  # the index now holds the scope
        robbery = await report(there, "p2", "AP1", ROBBERY)
        again = await report(here, "p3", "AP2", ROBBERY_AGAIN)
    finally:
        await other_db.close()
    assert suggested(await notices_of(db, again.tip_id)) == robbery.tip_id
    # Read by id since the index last looked, not every open tip of the unit again.
    reads = index_of(db).last_reads
    assert (reads.units_read, reads.tips_added) == (0, 1)
    assert await held_and_stored(here) == ([fire.tip_id, robbery.tip_id, again.tip_id],) * 2


async def test_a_tip_closed_by_another_process_leaves(db, clock):
    here = await context(db, clock)
    other_db = await second_process(db)
    try:
        robbery = await report(here, "p1", "AP1", ROBBERY)
        fire = await report(here, "p2", "AP1", FIRE)
        async with other_db.transaction() as conn:
            assert await tip_store.close_tip(conn, robbery.tip_id, clock.now(),
                                             clock.now() + timedelta(days=30))
        again = await report(here, "p3", "AP2", ROBBERY_AGAIN)
    finally:
        await other_db.close()
    assert suggested(await notices_of(db, again.tip_id)) is None
    assert index_of(db).last_reads.units_read == 1  # AP1 read again
    assert await held_and_stored(here) == ([fire.tip_id, again.tip_id],) * 2
    assert robbery.tip_id not in index_of(db).keys  # its key is let go with it


async def test_merge_unmerge_and_closing_a_case_elsewhere_are_reflected(db, clock):
    here = await context(db, clock)
    other_db = await second_process(db)
    try:
        robbery = await report(here, "p1", "AP1", ROBBERY)
        again = await report(here, "p2", "AP2", ROBBERY_AGAIN)
        fire = await report(here, "p3", "AP1", FIRE)
        everything = [robbery.tip_id, again.tip_id, fire.tip_id]
        assert await held_and_stored(here) == (everything,) * 2
        async with other_db.transaction() as conn:
            assert await case_store.merge(conn, again.tip_id, robbery.tip_id) == robbery.tip_id
        # Merged tips stay open tips: both are still compared with.
        assert await held_and_stored(here) == (everything,) * 2
        async with other_db.transaction() as conn:
            assert await case_store.unmerge(conn, again.tip_id)
        assert await held_and_stored(here) == (everything,) * 2
        async with other_db.transaction() as conn:
            assert await case_store.merge(conn, again.tip_id, robbery.tip_id)
            for tip in await case_store.case_tips(conn, robbery.tip_id):
                await tip_store.close_tip(conn, tip.id, clock.now(),
                                          clock.now() + timedelta(days=30))
        assert await held_and_stored(here) == ([fire.tip_id],) * 2
        third = await report(here, "p4", "AP1", ROBBERY)
    finally:
        await other_db.close()
    assert suggested(await notices_of(db, third.tip_id)) is None  # the closed case is not


async def test_tips_leave_as_the_window_moves_on_and_memory_is_never_trusted_alone(db, clock):
    here = await context(db, clock)
    robbery = await report(here, "p1", "AP1", ROBBERY)
    index = index_of(db)
    # A tip the database does not hold (a transaction that was rolled back): not a candidate.
    index.add(robbery.tip_id + 100, "AP1", clock.now(), match_key(FIRE))
    assert await held_and_stored(here) == ([robbery.tip_id],) * 2
    clock.advance(timedelta(days=here.settings.similar_days, minutes=1))
    assert await held_and_stored(here) == ([], [])
    assert robbery.tip_id not in index.keys
