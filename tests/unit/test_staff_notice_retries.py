"""A notice to staff is never given up on network errors (SPEC §11: nothing accepted is lost).

A delivery summary, an "uncertain in N groups" notice or a tip's notice exists nowhere else once
it is queued in the outbox; before, the worker marked it ``failed`` after five network errors
(about 30 s of Telegram unreachable) and nobody was ever told.
"""

from __future__ import annotations

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat
from core.outbound import TransientFailure
from storage import outbox
from storage.tips_tables import outbox as outbox_table
from tests.bulletin_seed import OFFICER, RecordingChannel, make_desk
from tips.notice_sender import MAX_ATTEMPTS
from tips.notifier import Notifier


async def test_staff_notice_outlives_a_long_network_outage(write_config, clock):
    desk, _, _ = await make_desk(write_config(), clock)
    try:
        async with desk.db.transaction() as conn:
            await outbox.enqueue_many(
                conn, [(address_of_chat(OFFICER), {"text": "Tóm tắt: đã gửi 3/3 nhóm."})],
                now=clock.now())
        channel = RecordingChannel()
        outage = MAX_ATTEMPTS * 3
        channel.failures[OFFICER] = [TransientFailure("network down")] * outage
        notifier = Notifier(desk.db, channel, None, clock)  # type: ignore[arg-type]
        for _ in range(outage + 1):
            async with desk.db.reading() as conn:
                rows = await outbox.due_rows(conn, clock.now())
            assert len(rows) == 1, "the notice must stay queued while the network is down"
            await notifier._sender.send(rows[0], rows[0].address)  # past the in-memory hold
        async with desk.db.reading() as conn:
            status = (await conn.execute(select(outbox_table.c.status))).scalars().all()
        assert status == [outbox.SENT]
        assert [m.text for _, m in channel.sent] == ["Tóm tắt: đã gửi 3/3 nhóm."]
    finally:
        await desk.db.close()
