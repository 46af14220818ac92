"""The delivery engine against a recording channel: every failure path of SPEC §5/§12."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from broadcasts.bulletins import Action, Content
from channels.telegram import keyboard
from channels.telegram_addresses import address_of_chat
from core.outbound import (
    ChatMoved,
    ChatUnavailable,
    MaybeDelivered,
    Rejected,
    RetryLater,
    TransientFailure,
)
from storage import deliveries as store
from storage.groups import find_group
from storage.schema import deliveries
from tests.bulletin_seed import (
    OFFICER,
    link_groups,
    make_desk,
    open_desk,
    send_now_cut_by_a_crash,
    settle,
)


@pytest.fixture
async def env(write_config, clock):
    async with open_desk(write_config(), clock) as desk_and_channels:
        yield desk_and_channels


async def rows(desk) -> list:
    async with desk.db.reading() as conn:
        return list(await conn.execute(select(deliveries).order_by(deliveries.c.id)))


async def send_now(desk, unit="TT-TANTHANH", body="Cảnh giác lừa đảo qua mạng"):
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    return await desk.submit(member, unit, "fraud", Content(body), Action.SEND_NOW)


async def test_every_group_gets_exactly_one_copy_through_429_5xx_and_migration(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 6, clock.now())
    groups.failures[chats[0]] = [RetryLater("Too Many Requests", 0.01)]
    groups.failures[chats[1]] = [TransientFailure("Bad Gateway"), TransientFailure("Bad Gateway")]
    groups.failures[chats[2]] = [ChatMoved("migrated", address_of_chat(-100777))]
    await desk.start()
    submitted = await send_now(desk)
    assert submitted.groups == 6
    await settle(desk)
    delivered = [chats[0], chats[1], -100777, *chats[3:]]
    assert all(groups.copies(c) == 1 for c in delivered)
    assert len(groups.sent) == 6 and groups.copies(chats[2]) == 0
    assert {r.status for r in await rows(desk)} == {"sent"}
    async with desk.db.reading() as conn:
        moved = await find_group(conn, address_of_chat(-100777))
    assert moved is not None and moved.unit_code == "TT-TANTHANH"
    # The officer who sent hears how it went, once.
    assert [c for c, _ in staff.sent] == [OFFICER]
    assert "6/6" in staff.sent[0][1].text


async def test_network_errors_are_retried_a_bounded_number_of_times_then_failed(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    groups.failures[chats[0]] = [TransientFailure("Bad Gateway")] * 10
    await desk.start()
    await send_now(desk)
    await settle(desk)
    by_group = {r.group_id: r for r in await rows(desk)}
    failed = [r for r in by_group.values() if r.status == "failed"]
    assert len(failed) == 1 and failed[0].attempts == 4 and failed[0].last_error == "Bad Gateway"
    assert groups.copies(chats[1]) == 1 and groups.copies(chats[0]) == 0
    summary = staff.sent[0][1].text
    assert "1/2" in summary and "Bad Gateway" in summary


async def test_a_group_that_removed_the_bot_becomes_inactive_and_its_row_fails(env, clock):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    groups.failures[chats[0]] = [ChatUnavailable("Forbidden: bot was kicked from the group")]
    groups.failures[chats[1]] = [Rejected("Bad Request: message is too long")]
    await desk.start()
    await send_now(desk)
    await settle(desk)
    assert [r.status for r in await rows(desk)] == ["failed", "failed"]
    async with desk.db.reading() as conn:
        assert (await find_group(conn, address_of_chat(chats[0]))).status == "inactive"
        assert (await find_group(conn, address_of_chat(chats[1]))).status == "active"
    assert groups.sent == []


async def test_a_timeout_is_uncertain_and_never_retried_on_its_own(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    groups.failures[chats[1]] = [MaybeDelivered("Timed out")]
    await desk.start()
    await send_now(desk)
    await settle(desk)
    statuses = sorted(r.status for r in await rows(desk))
    assert statuses == ["sent", "sent", "uncertain"]
    assert groups.copies(chats[1]) == 0
    summary = staff.sent[0][1]
    assert "2/3" in summary.text
    resend = summary.buttons[0][0]
    assert resend.callback.startswith("bu:resend:")
    # The officer's button re-sends to exactly the uncertain group.
    dispatch_id = int(resend.callback.rsplit(":", 1)[1])
    count = await desk.resend_uncertain(desk.directory.staff_member(address_of_chat(OFFICER)),
                                        dispatch_id)
    assert (count.total, count.sms) == (1, 0)
    await settle(desk)
    assert groups.copies(chats[1]) == 1 and len(groups.sent) == 3


async def test_restart_reports_sending_rows_as_uncertain_and_resumes_pending_ones(env, clock):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 4, clock.now())
    planned = await send_now_cut_by_a_crash(desk, clock)
    await desk.start()
    await settle(desk)
    assert groups.copies(chats[0]) == 0  # maybe delivered before the crash: not re-sent
    assert all(groups.copies(c) == 1 for c in chats[1:])
    assert sorted(r.status for r in await rows(desk)) == ["sent", "sent", "sent", "uncertain"]
    notice = staff.sent[0][1]
    assert staff.sent[0][0] == OFFICER and "1" in notice.text
    assert notice.buttons[0][0].callback == f"bu:resend:{planned.dispatch_id}"


async def test_quiet_hours_send_silently_but_alerts_ring(env, clock):
    desk, groups, _ = env
    await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    clock.set(clock.now().replace(hour=16))  # 23:00 in Asia/Ho_Chi_Minh: quiet (22:00-06:00)
    await desk.start()
    await send_now(desk)
    await settle(desk)
    await desk.alert(desk.directory.staff_member(address_of_chat(OFFICER)),
                     "Cháy lớn ở chợ, tránh xa khu vực")
    await settle(desk)
    bulletin, alert = (m for _, m in groups.sent)
    assert bulletin.silent is True and alert.silent is False
    assert alert.text.startswith("🚨")
    clock.set(clock.now().replace(hour=3))  # 10:00 local
    await send_now(desk, body="Buổi sáng")
    await settle(desk)
    assert groups.sent[-1][1].silent is False


async def test_a_bulletin_carries_the_tip_link_and_the_passed_on_button(env, clock):
    desk, groups, _ = env
    await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    await desk.start()
    submitted = await send_now(desk)
    await settle(desk)
    message = groups.sent[0][1]
    tip, ack = message.buttons[0][0], message.buttons[1][0]
    # The core asks for a deep link; Telegram's adapter draws it as the bot's t.me link.
    assert tip.start == f"tip-b{submitted.bulletin.id}"
    drawn = keyboard(message.buttons, "ketnoi_antt_bot")
    assert drawn is not None
    assert drawn.inline_keyboard[0][0].url == (
        f"https://t.me/ketnoi_antt_bot?start=tip-b{submitted.bulletin.id}")
    assert ack.callback == f"ack:{submitted.bulletin.id}"
    assert "Lừa đảo" in message.text and "Cảnh giác" in message.text


async def test_a_full_length_text_still_fits_one_message(env, clock):
    desk, groups, _ = env
    await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    await desk.start()
    await send_now(desk, body="x" * 4096)
    await settle(desk)
    assert groups.sent[0][1].text == "x" * 4096  # the header gives way, the body never


async def test_a_row_is_claimed_once_even_when_enqueued_twice(env, clock):
    desk, groups, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    await desk.start()
    submitted = await send_now(desk)
    async with desk.db.reading() as conn:
        ids = [r.id for r in await conn.execute(select(deliveries.c.id))]
    desk.engine.enqueue(submitted.bulletin.id, ids)  # a duplicate wake-up must not resend
    await settle(desk)
    assert groups.copies(chats[0]) == 1
    async with desk.db.reading() as conn:
        assert await store.open_count(conn, 1) == 0


def test_only_a_request_that_never_left_is_retried_after_a_network_error():
    import httpx
    from telegram.error import NetworkError, TimedOut

    from channels.telegram_delivery import _may_have_arrived

    def wrapped(error, cause):
        error.__cause__ = cause
        return error

    assert _may_have_arrived(wrapped(TimedOut(), httpx.ReadTimeout("slow")))
    assert _may_have_arrived(wrapped(NetworkError("httpx.ReadError"), httpx.ReadError("reset")))
    assert _may_have_arrived(wrapped(NetworkError("httpx.RemoteProtocolError"),
                                     httpx.RemoteProtocolError("disconnected")))
    assert not _may_have_arrived(wrapped(NetworkError("httpx.ConnectError"),
                                         httpx.ConnectError("refused")))
    assert not _may_have_arrived(wrapped(TimedOut(), httpx.PoolTimeout("pool")))
    assert not _may_have_arrived(NetworkError("Bad Gateway"))  # Telegram answered 502


async def test_a_migration_onto_a_known_group_fails_that_row_alone_and_the_summary_comes(
        env, clock):
    desk, groups, staff = env
    # The supergroup the first group migrates to is already known (and has its own row):
    # following the migration clashes with it in the database.
    moving = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    known = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now(), first_chat_id=-100777)
    groups.failures[moving[0]] = [ChatMoved("migrated", address_of_chat(-100777))]
    await desk.start()
    await send_now(desk)
    await settle(desk)
    by_status = sorted((r.status, r.last_error or "") for r in await rows(desk))
    assert [s for s, _ in by_status] == ["failed", "sent", "sent"]
    assert "IntegrityError" in by_status[0][1]
    assert all(groups.copies(c) == 1 for c in known)
    assert [c for c, _ in staff.sent] == [OFFICER]
    assert "2/3" in staff.sent[0][1].text and "IntegrityError" in staff.sent[0][1].text


async def test_a_database_error_after_the_request_leaves_that_row_uncertain(env, clock,
                                                                             monkeypatch):
    desk, groups, staff = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    real_mark_sent = store.mark_sent
    broken = []

    async def mark_sent_once_broken(conn, delivery_id, message_id, now):
        if not broken:
            broken.append(delivery_id)
            raise OSError("disk I/O error")
        await real_mark_sent(conn, delivery_id, message_id, now)

    monkeypatch.setattr(store, "mark_sent", mark_sent_once_broken)
    await desk.start()
    await send_now(desk)
    await settle(desk)
    statuses = {r.id: r.status for r in await rows(desk)}
    assert statuses.pop(broken[0]) == "uncertain"  # it went out; marking it did not
    assert list(statuses.values()) == ["sent", "sent"]
    assert all(groups.copies(c) == 1 for c in chats)
    summary = staff.sent[0][1]
    assert "2/3" in summary.text and summary.buttons[0][0].callback.startswith("bu:resend:")


async def test_an_alert_reaches_every_group_before_a_large_slot_in_progress_finishes(
        write_config, clock):
    # One worker, so the order of sends is the order rows leave the engine's queue.
    desk, groups, _ = await make_desk(write_config(), clock, workers=1)
    try:
        chats = await link_groups(desk.db, "TT-TANTHANH", 12, clock.now())
        member = desk.directory.staff_member(address_of_chat(OFFICER))
        await desk.submit(member, "TT-TANTHANH", "general", Content("Bản tin tuần"),
                          Action.QUEUE)
        await desk.start()
        groups.hold = asyncio.Event()  # the slot's first request is in flight, the rest wait
        [run] = await desk.run_due_slots()
        assert len(run.delivery_ids) == 12
        await desk.alert(member, "Lũ quét, di dời ngay")
        groups.hold.set()
        await settle(desk)
        kinds = ["alert" if m.text.startswith("🚨") else "slot" for _, m in groups.sent]
        assert all(groups.copies(c) == 2 for c in chats)
        # Only the slot copy already in flight went before the alert; the slot then goes on.
        assert kinds == ["slot"] + ["alert"] * 12 + ["slot"] * 11
    finally:
        await desk.stop()
        await desk.db.close()
