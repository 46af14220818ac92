"""The delivery summary and the "copies left uncertain" notice are drawn in a read transaction;
only the conditional mark and the queueing share a write transaction, short, so delivery commits
do not wait behind the drawing of a big dispatch (``broadcasts.dispatch_reports``). Something
written while a notice is drawn neither deadlocks the drawing nor is lost from what it tells:
queued iff marked, never twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update

from broadcasts import bulletins as rules
from broadcasts.bulletins import Action, Content
from channels.telegram_addresses import address_of_chat
from core.i18n import t
from storage import acknowledgements as ack_store
from storage import deliveries as delivery_store
from storage.schema import deliveries, dispatches
from tests.bulletin_seed import OFFICER, deliver_staff_notices, link_groups, make_desk
from tests.fresh_database import STORAGES, fresh_storage_url


@pytest.fixture(params=STORAGES)
async def storage_url(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    async for url in fresh_storage_url(request.param):
        yield url


@pytest.fixture
async def env(write_config, clock, storage_url):
    desk, groups, staff = await make_desk(write_config(storage_url=storage_url), clock)
    yield desk, groups, staff
    await desk.stop()
    await desk.db.close()


async def test_copies_found_uncertain_while_the_notice_is_drawn_are_told_in_it_once(
        env, clock, monkeypatch):
    desk, _, staff = env
    await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    bulletin = await rules.create_bulletin(desk.db, member, "TT-TANTHANH", "theft",
                                           Content("Trộm xe máy"), Action.SEND_NOW, clock.now())
    planned = await rules.plan_direct_send(desk.db, desk.directory.tree, bulletin, "now",
                                           member.address, clock.now())
    first, second, third = sorted(planned.delivery_ids)
    async with desk.db.transaction() as conn:  # as a crash mid-request leaves them
        await conn.execute(update(deliveries).where(deliveries.c.id.in_([first, second]))
                           .values(status="sending", attempts=1))
        await conn.execute(update(deliveries).where(deliveries.c.id == third)
                           .values(status=delivery_store.SENT))
    drawn = delivery_store.dispatch_lines
    found_more = False

    async def lines_while_a_third_is_found(conn, dispatch_id):
        # While the notice of two is drawn, a write commits: a third copy found uncertain (a
        # write transaction of its own: on SQLite one inside another would fail at once).
        nonlocal found_more
        if not found_more:
            found_more = True
            async with desk.db.transaction() as writing:
                await writing.execute(update(deliveries).where(deliveries.c.id == third)
                                      .values(status=delivery_store.UNCERTAIN))
                await writing.execute(update(dispatches)
                                      .where(dispatches.c.id == planned.dispatch_id)
                                      .values(uncertain_unreported=3))
        return await drawn(conn, dispatch_id)

    monkeypatch.setattr(delivery_store, "dispatch_lines", lines_while_a_third_is_found)
    await desk.start()
    await asyncio.wait_for(desk.engine.idle.wait(), 10)
    await deliver_staff_notices(desk)
    told = [m.text for chat, m in staff.sent if chat == OFFICER and "khởi động lại" in m.text]
    assert told == [t("vi", "bulletins.notice.uncertain_after_restart", count=3,
                      ids=f"#{bulletin.id}")]
    async with desk.db.reading() as conn:
        owed = (await conn.execute(select(dispatches.c.uncertain_unreported).where(
            dispatches.c.id == planned.dispatch_id))).scalar()
    assert owed is None


async def test_a_write_while_the_summary_is_drawn_does_not_wait_for_it(env, clock, monkeypatch):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    await desk.start()
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    counted = ack_store.acknowledged_groups
    writes: list[int] = []

    async def acknowledged_while_a_delivery_commits(conn, bulletin_ids):
        # A delivery's commit arrives while the summary is drawn: it goes through at once.
        async with desk.db.transaction() as writing:
            await writing.execute(update(dispatches).where(dispatches.c.id == -1)
                                  .values(kind="now"))
        writes.append(1)
        return await counted(conn, bulletin_ids)

    monkeypatch.setattr(ack_store, "acknowledged_groups", acknowledged_while_a_delivery_commits)
    await desk.submit(member, "TT-TANTHANH", "fraud", Content("Cảnh giác"), Action.SEND_NOW)
    await asyncio.wait_for(desk.engine.idle.wait(), 10)
    async with desk.db.reading() as conn:
        dispatch_id = (await conn.execute(select(dispatches.c.id))).scalar_one()
    await desk.reports.dispatch_done(dispatch_id)  # a second look (start-up): queues nothing
    await deliver_staff_notices(desk)
    assert writes and all(groups.copies(c) == 1 for c in chats)
    assert sum(1 for chat, m in staff.sent if chat == OFFICER and "Kết quả gửi" in m.text) == 1
