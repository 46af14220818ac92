"""The weekly summary's once-only claim and its outbox rows, on SQLite and PostgreSQL: two passes
at the same slot (the cron job and the start-up catch-up) queue each officer's summary once."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.config import load_config
from channels.telegram_addresses import address_of_chat, chat_id_of
from core.i18n import Translator
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit
from reports.weekly_summary import queue_due_weekly_summaries
from storage.tip_records import Assessment
from storage.tips_tables import outbox
from tests.conftest import CONFIG_STAFF_IDS
from tests.stats_seed import file_tip, local


async def test_two_passes_at_one_slot_queue_each_summary_once(db, write_config):
    config = load_config(write_config(), {}, need_token=False)
    directory = Directory(db)
    slot = local(2026, 3, 9, 7, 30)
    await directory.sync_from_config(
        [Unit(u.code, u.name, u.parent) for u in config.units],
        [StaffMember(address_of_chat(s.telegram_id), Role(s.role), s.unit, from_config=True)
         for s in config.staff], slot)
    await file_tip(db, "TT-TANTHANH", local(2026, 3, 8, 23, 30),
                   assessment=Assessment.VALUABLE)

    async def run(at):
        return await queue_due_weekly_summaries(
            db, directory, config, Translator("vi"), now=at)

    first = await run(slot + timedelta(minutes=1))
    again = await run(slot + timedelta(hours=2))
    assert sorted(q.unit_code for q in first) == ["DT", "TT-BINHTHANH", "TT-TANTHANH"]
    assert again == []
    async with db.reading() as conn:
        rows = (await conn.execute(select(outbox.c.address, outbox.c.payload))).all()
    by_chat = {chat_id_of(address): json.loads(payload)["text"] for address, payload in rows}
    assert len(rows) == len(by_chat) == 3
    assert CONFIG_STAFF_IDS["editor"] not in by_chat
    officer = by_chat[CONFIG_STAFF_IDS["officer"]]
    assert officer.startswith("🗓 Tổng hợp tuần 10 (02/03/2026–08/03/2026) gửi cán bộ TT-TANTHANH")
    assert "Nguồn tin: 1 tin tiếp nhận — 1 có giá trị" in officer
