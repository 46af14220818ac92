"""Staff notices about a dispatch survive a crash (issue 4, review item 5): the "uncertain in N
groups" notice and the delivery summary are owed in the database until they went out, so a
restart sends a lost one - once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update

import broadcasts.notice_sending
from broadcasts import bulletins as rules
from broadcasts.bulletins import Action, Content
from channels.telegram_addresses import address_of_chat
from core.outbound import TransientFailure
from storage.schema import deliveries
from tests.bulletin_seed import OFFICER, link_groups, make_desk

UNREACHABLE = [TransientFailure("Bad Gateway")] * broadcasts.notice_sending.NOTICE_RETRIES


@pytest.fixture
async def env(write_config, clock, monkeypatch):
    monkeypatch.setattr(broadcasts.notice_sending, "NOTICE_BACKOFF", 0.0)
    desk, groups, staff = await make_desk(write_config(), clock)
    yield desk, groups, staff
    await desk.stop()
    await desk.db.close()


async def restart(desk) -> None:
    """The process stops and starts again over the same database."""
    await desk.stop()
    await desk.start()
    await asyncio.wait_for(desk.engine.idle.wait(), 10)


def notices_to_officer(staff, words: str) -> int:
    return sum(1 for chat, m in staff.sent if chat == OFFICER and words in m.text)


async def test_a_summary_that_could_not_go_out_is_sent_after_the_restart_once(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    staff.failures[OFFICER] = list(UNREACHABLE)  # Telegram is down for the summary
    await desk.start()
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    await desk.submit(member, "TT-TANTHANH", "fraud", Content("Cảnh giác"), Action.SEND_NOW)
    await asyncio.wait_for(desk.engine.idle.wait(), 10)
    assert all(groups.copies(c) == 1 for c in chats)
    assert staff.sent == []
    await restart(desk)
    assert notices_to_officer(staff, "Kết quả gửi") == 1
    assert "3/3" in staff.sent[0][1].text
    await restart(desk)
    assert notices_to_officer(staff, "Kết quả gửi") == 1  # once, not at every start
    assert all(groups.copies(c) == 1 for c in chats)


async def test_an_uncertain_notice_lost_in_a_second_crash_is_sent_at_the_next_start(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    bulletin = await rules.create_bulletin(desk.db, member, "TT-TANTHANH", "theft",
                                           Content("Trộm xe máy"), Action.SEND_NOW, clock.now())
    planned = await rules.plan_direct_send(desk.db, desk.directory.tree, bulletin, "now",
                                           address_of_chat(OFFICER), clock.now())
    async with desk.db.transaction() as conn:  # as a crash mid-request leaves it
        await conn.execute(update(deliveries).where(deliveries.c.id == planned.delivery_ids[0])
                           .values(status="sending", attempts=1))
    staff.failures[OFFICER] = list(UNREACHABLE)  # the notice fails; then the bot dies again
    await desk.start()
    await asyncio.wait_for(desk.engine.idle.wait(), 10)
    assert notices_to_officer(staff, "không chắc") == 0
    await restart(desk)
    assert notices_to_officer(staff, "khởi động lại") == 1
    notice = next(m for _, m in staff.sent if "khởi động lại" in m.text)
    assert notice.buttons[0][0].callback == f"bu:resend:{planned.dispatch_id}"
    await restart(desk)
    assert notices_to_officer(staff, "khởi động lại") == 1
    assert groups.copies(chats[0]) == 0 and groups.copies(chats[1]) == 1
