"""An officer's forced re-send (SPEC §5 "unless an officer forces it"): a new delivery round,
the first round kept as the record, and a second press sending nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from broadcasts.bulletins import Action, Content
from channels.telegram_addresses import address_of_chat, chat_id_of
from storage.audit import entries_for
from storage.groups import INACTIVE
from storage.schema import deliveries, groups
from tests.bulletin_seed import OFFICER, OTHER_OFFICER, link_groups, make_desk
from tests.bulletin_seed import settle as settle_desk


@pytest.fixture
async def env(write_config, clock):
    desk, group_channel, staff = await make_desk(write_config(), clock)
    await desk.start()
    yield desk, group_channel, staff
    await desk.stop()
    await desk.db.close()


async def settle(desk) -> None:
    await settle_desk(desk)  # and staff got what it queued for them in the outbox


async def test_a_forced_resend_sends_a_new_round_once_and_keeps_the_first(env, clock):
    desk, sent, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    officer = desk.directory.staff_member(address_of_chat(OFFICER))
    await desk.submit(officer, "TT-TANTHANH", "fraud", Content("Cảnh giác"), Action.SEND_NOW)
    await settle(desk)
    summary = staff.sent[0][1]
    force = summary.buttons[-1][0].callback
    assert force.startswith("bu:force:")
    dispatch_id = int(force.rsplit(":", 1)[1])
    async with desk.db.transaction() as conn:  # a group that left is not re-sent to
        await conn.execute(groups.update().where(groups.c.address == address_of_chat(chats[2]))
                           .values(status=INACTIVE))
    assert await desk.force_resend(desk.directory.staff_member(address_of_chat(OTHER_OFFICER)),
                                   dispatch_id) is None  # another commune's sending
    done = await desk.force_resend(officer, dispatch_id)
    assert done is not None and len(done.delivery_ids) == 2 and not done.already
    await settle(desk)
    assert [sent.copies(c) for c in chats] == [2, 2, 1]
    again = await desk.force_resend(officer, dispatch_id)  # the same button pressed twice
    assert again is not None and again.already and again.delivery_ids == []
    await settle(desk)
    assert [sent.copies(c) for c in chats] == [2, 2, 1]
    async with desk.db.reading() as conn:
        rows = list(await conn.execute(select(deliveries.c.round, deliveries.c.status)
                                       .order_by(deliveries.c.id)))
        audit = await entries_for(conn, f"dispatch:{dispatch_id}")
    assert [(r.round, r.status) for r in rows] == [(0, "sent")] * 3 + [(1, "sent")] * 2
    assert [(e.action, chat_id_of(e.actor)) for e in audit] == [("bulletin.resend", OFFICER)]
    # The re-send has its own summary for the officer, with the same choice again.
    assert "2/2" in staff.sent[-1][1].text
