"""A new tip's staff notices: queued once, straight after the receipt, or at the next start when
a crash came in between (SPEC §12)."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from channels.telegram import CAPABILITIES
from channels.telegram_addresses import address_of_chat, chat_id_of
from core.config_model import Category, TipSettings
from core.i18n import Translator
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit
from storage import tip_senders
from storage import tips as tip_store
from storage.tips_tables import outbox
from tips import filing
from tips.anonymity import Anonymizer
from tips.context import TipsContext
from tips.notices import new_tip_event, new_tip_messages
from tips.staff_notices import notice_words, queue_missing_staff_notices, queue_staff_notices

OFFICER, ADMIN = 7, 8


async def tips_context(db, clock) -> tuple[TipsContext, list]:
    directory = Directory(db)
    await directory.sync_from_config(
        [Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")],
        [StaffMember(address_of_chat(OFFICER), Role.OFFICER, "TT", True),
         StaffMember(address_of_chat(ADMIN), Role.ADMIN, "DT", True)], clock.now())
    woken: list = []
    ctx = TipsContext(db=db, clock=clock, anonymizer=Anonymizer(b"k" * 32), tr=Translator("vi"),
                      tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                      settings=TipSettings(5, 20, 30, 30, "unit_and_parent",
                                           (Category("other", ""),)),
                      outcome_kinds=(), directory=directory,
                      wake_notifier=lambda chats=None: woken.append(chats))
    async with db.transaction() as conn:
        await tip_senders.remember_unit(conn, "p1", "TT", clock.now())
    return ctx, woken


async def notice_chats(db) -> list[int]:
    async with db.reading() as conn:
        rows = await conn.execute(select(outbox.c.address))
        return sorted(chat_id_of(row.address) for row in rows)


async def test_notices_are_queued_once_after_the_receipt(db, clock):
    ctx, woken = await tips_context(db, clock)
    result = await filing.file_text(ctx, "p1", "có người lạ", "sealed")
    assert result.outcome is filing.Filed.FILED
    assert await notice_chats(db) == []  # the receipt comes first
    await queue_staff_notices(ctx, result)
    assert await notice_chats(db) == [OFFICER, ADMIN]
    assert [sorted(chat_id_of(c) for c in chats) for chats in woken] == [[OFFICER, ADMIN]]
    await queue_staff_notices(ctx, result)  # a second call queues nothing more
    assert await queue_missing_staff_notices(ctx) == 0
    assert await notice_chats(db) == [OFFICER, ADMIN]


async def test_notices_a_crash_kept_from_being_queued_are_queued_at_the_next_start(db, clock):
    ctx, woken = await tips_context(db, clock)
    # Two different incidents: neither notice suggests a merge (SPEC §15).
    first = await filing.file_text(ctx, "p1", "có người lạ rình mò", "sealed")
    second = await filing.file_text(ctx, "p1", "cháy nhà kho gần chợ", "sealed")
    # The process died after the receipts, before the notices.
    async with db.reading() as conn:
        assert await tip_store.tips_awaiting_staff_notices(conn) == [first.tip_id, second.tip_id]
    assert await queue_missing_staff_notices(ctx) == 2
    assert await notice_chats(db) == [OFFICER, OFFICER, ADMIN, ADMIN]
    async with db.reading() as conn:
        assert await tip_store.tips_awaiting_staff_notices(conn) == []
        payloads = (await conn.execute(select(outbox.c.payload).where(
            outbox.c.tip_id == second.tip_id))).scalars().all()
        count = (await conn.execute(select(func.count()).select_from(outbox))).scalar_one()
        tip = await tip_store.find_tip_by_id(conn, second.tip_id)
        items = await tip_store.tip_items_of(conn, second.tip_id)
    # Each row says which tip is new; drawn when sent, its notice shows that tip.
    assert [json.loads(p) for p in payloads] == [new_tip_event(second.tip_id)] * 2
    assert tip is not None
    [notice] = new_tip_messages(notice_words(ctx), tip, items, CAPABILITIES)
    assert "cháy nhà kho gần chợ" in notice.text and second.code in notice.text
    assert count == 4 and woken == [None]
    assert await queue_missing_staff_notices(ctx) == 0  # and never twice
