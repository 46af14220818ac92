"""The figures /healthz and /metrics read (storage.ops_figures), on SQLite and PostgreSQL: each
backend's SQL for a group's channel, counts by state and category."""

from __future__ import annotations

from datetime import UTC, datetime

from core.address import Address
from ops.database_figures import DatabaseFigures
from ops.health import health_report
from ops.role import ProcessRole
from ops.telegram_state import TelegramState
from org.directory import Directory
from org.units import Unit
from storage import inbox as inbox_store
from storage import outbox as outbox_store
from storage.ops_figures import read_ops_figures
from tests.stats_seed import add_groups, file_tip, send_bulletin

AT = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


async def test_figures_count_tips_deliveries_by_channel_and_the_outbox(db):
    await Directory(db).sync_from_config([Unit("TT", "Thị trấn", None)], [], AT)
    empty = await _figures(db)
    assert (empty.tips_by_category, empty.deliveries, empty.outbox) == ({}, {}, {})
    assert empty.pending_deliveries == 0 and empty.outbox_depth == 0

    await file_tip(db, "TT", AT, category="drugs")
    await file_tip(db, "TT", AT, category="drugs")
    await file_tip(db, "TT", AT, category="theft")
    chats = await add_groups(db, "TT", [10, 12, 14], AT)
    await send_bulletin(db, "TT", chats[:2], AT, failing=chats[2:])
    async with db.transaction() as conn:
        for n in range(3):
            await outbox_store.enqueue(conn, payload={"text": f"{n}"}, now=AT,
                                       address=Address("telegram", str(900000002 + n)))
    figures = await _figures(db)
    assert figures.tips_by_category == {"drugs": 2, "theft": 1}
    assert figures.deliveries == {("sent", "telegram"): 2, ("failed", "telegram"): 1}
    assert figures.pending_deliveries == 0
    assert figures.outbox == {"pending": 3} and figures.outbox_depth == 3


async def _figures(db):
    async with db.reading() as conn:
        return await read_ops_figures(conn)


async def test_healthz_inbox_is_the_webhook_updates_accepted_and_not_handled_yet(db):
    """SPEC §14: /healthz's ``inbox``, read by the ops server's own figures as it serves it."""
    async with db.transaction() as conn:
        for update_id in (1, 2, 3, 4):
            await inbox_store.accept_update(conn, update_id, "sealed", AT)
        await inbox_store.take_update(conn, 1, AT)
        await inbox_store.finish_update(conn, 1)
        await inbox_store.take_update(conn, 2, AT)  # being handled: not done yet
    figures = DatabaseFigures(db)
    report = health_report(await figures.refresh(), TelegramState(state="ok"), ProcessRole(),
                           figures.inbox)
    assert report.body["inbox"] == 3
    assert report.body["outbox"] == 0  # the keys SPEC §14 lists are all still there
