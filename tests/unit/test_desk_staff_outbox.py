"""Bulletin notices to staff go through the staff outbox, queued in the transaction of the change
they report (``broadcasts.staff_outbox``): an editor's draft with its approval request. A crash
as the notice is queued leaves neither half (a draft nobody was asked about); what is queued
carries its buttons, which the outbox worker draws as they were."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from broadcasts.bulletins import Action, Content
from broadcasts.callbacks import APPROVE, REMOVE
from channels.telegram_addresses import address_of_chat
from storage import outbox
from storage.schema import bulletins
from tests.bulletin_seed import EDITOR, OFFICER, deliver_staff_notices, open_desk


class Crash(BaseException):
    """The process dies here: nothing after it runs, no ``except Exception`` catches it."""


@pytest.fixture
async def env(write_config, clock):
    async with open_desk(write_config(), clock, start=True) as desk_and_channels:
        yield desk_and_channels


def member(desk, user_id):
    return desk.directory.staff_member(address_of_chat(user_id))


async def die(*args, **kwargs):
    raise Crash


async def bulletin_count(desk) -> int:
    async with desk.db.reading() as conn:
        return (await conn.execute(select(func.count()).select_from(bulletins))).scalar()


async def test_a_draft_is_queued_with_its_approval_request_and_its_buttons(env, monkeypatch):
    desk, _, staff = env
    woken = []
    desk.wake_notices = woken.append
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "enqueue_many", die)
        with pytest.raises(Crash):
            await desk.submit(member(desk, EDITOR), "TT-TANTHANH", "fire",
                              Content("Phòng cháy"), Action.QUEUE)
    # Nothing half done: no draft that no officer was asked about.
    assert await bulletin_count(desk) == 0 and staff.sent == []

    submitted = await desk.submit(member(desk, EDITOR), "TT-TANTHANH", "fire",
                                  Content("Phòng cháy"), Action.QUEUE)
    draft = submitted.bulletin.id
    assert staff.sent == []  # queued, not told inline
    assert woken == [{address_of_chat(OFFICER)}]
    await deliver_staff_notices(desk)
    [(chat, request)] = staff.sent
    assert chat == OFFICER and "Phòng cháy" in request.text
    assert [b.callback for row in request.buttons for b in row] == [f"{APPROVE}{draft}",
                                                                    f"{REMOVE}{draft}"]
