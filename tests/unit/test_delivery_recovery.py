"""Staff notices about a dispatch survive a crash (issue 4, review item 5): the "uncertain in N
groups" notice and the delivery summary are owed in the database until they are queued in the
staff outbox, in the transaction that marks them told; a crash before that queues a lost one at
the next start, and no start queues one twice. Sending them (Telegram down, flood control) is
the outbox worker's job (``tips.notifier``), as for every staff notice."""

from __future__ import annotations

import asyncio

import pytest

from broadcasts.bulletins import Action, Content
from channels.telegram_addresses import address_of_chat
from storage import outbox
from tests.bulletin_seed import (
    OFFICER,
    deliver_staff_notices,
    link_groups,
    open_desk,
    send_now_cut_by_a_crash,
)


class Crash(BaseException):
    """The process dies here: nothing after it runs, no ``except Exception`` catches it."""


@pytest.fixture
async def env(write_config, clock):
    async with open_desk(write_config(), clock) as desk_and_channels:
        yield desk_and_channels


async def restart(desk) -> None:
    """The process stops and starts again over the same database."""
    await desk.stop()
    await desk.start()
    await asyncio.wait_for(desk.engine.idle.wait(), 10)


def notices_to_officer(staff, words: str) -> int:
    return sum(1 for chat, m in staff.sent if chat == OFFICER and words in m.text)


async def test_a_summary_not_queued_before_a_crash_is_queued_after_the_restart_once(
        env, clock, monkeypatch):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    await desk.start()
    member = desk.directory.staff_member(address_of_chat(OFFICER))

    async def database_gone(*args, **kwargs):
        raise OSError("the database went away")

    with monkeypatch.context() as patch:
        # The summary's transaction fails as it queues it: it is not marked told either.
        patch.setattr(outbox, "enqueue_many", database_gone)
        await desk.submit(member, "TT-TANTHANH", "fraud", Content("Cảnh giác"), Action.SEND_NOW)
        await asyncio.wait_for(desk.engine.idle.wait(), 10)
    assert all(groups.copies(c) == 1 for c in chats)
    await deliver_staff_notices(desk)
    assert staff.sent == []
    await restart(desk)
    await deliver_staff_notices(desk)
    assert notices_to_officer(staff, "Kết quả gửi") == 1
    summary = staff.sent[0][1]
    assert "3/3" in summary.text
    assert summary.buttons[-1][0].callback.startswith("bu:force:")  # its button travels along
    await restart(desk)
    await deliver_staff_notices(desk)
    assert notices_to_officer(staff, "Kết quả gửi") == 1  # once, not at every start
    assert all(groups.copies(c) == 1 for c in chats)


async def test_an_uncertain_notice_lost_in_a_second_crash_is_queued_at_the_next_start(
        env, clock, monkeypatch):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    planned = await send_now_cut_by_a_crash(desk, clock)

    async def die(*args, **kwargs):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "enqueue_many", die)  # the bot dies again as it queues the notice
        with pytest.raises(Crash):
            await desk.start()
    await restart(desk)
    await deliver_staff_notices(desk)
    assert notices_to_officer(staff, "khởi động lại") == 1
    notice = next(m for _, m in staff.sent if "khởi động lại" in m.text)
    assert notice.buttons[0][0].callback == f"bu:resend:{planned.dispatch_id}"
    await restart(desk)
    await deliver_staff_notices(desk)
    assert notices_to_officer(staff, "khởi động lại") == 1
    assert groups.copies(chats[0]) == 0 and groups.copies(chats[1]) == 1
