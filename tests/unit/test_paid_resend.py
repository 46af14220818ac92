"""Re-sending an alert's uncertain copies when alerts go as paid broadcasts: the officer is asked
the Stars cost again, in the words of the alert's first question, for the Telegram groups among
them only; nothing is re-sent before the confirmation, a cancel re-sends nothing, and without a
paid copy among them (a bulletin, SMS subscribers, paid broadcasts off) the re-send goes at once
(``broadcasts.alerts``, ``broadcasts.resends``, ``broadcasts.queue_actions``)."""

from __future__ import annotations

from sqlalchemy import select, update

from broadcasts import bulletins as rules
from broadcasts.alerts import AlertDesk
from broadcasts.bulletins import ALERT_TOPIC, Action, Content
from broadcasts.queue_actions import QueueDesk
from channels.telegram_addresses import address_of_chat
from core.i18n import Translator
from storage import deliveries as delivery_store
from storage import sms_subscribers as sms_store
from storage.schema import deliveries
from tests.bulletin_seed import OFFICER, OTHER_OFFICER, link_groups, make_desk

VI = Translator("vi")
PAID = "\n[bulletins]\npaid_broadcast = true\n"
ALERT = "Lũ lớn, di dời ngay"


async def _desk(write_config, clock, extra: str = PAID):
    desk, _, _ = await make_desk(write_config(extra), clock)  # not started: nothing is sent
    await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
    async with desk.db.transaction() as conn:  # as /sms add keeps one: sealed, keyed hash
        await sms_store.subscribe(conn, "hash-1", "sealed-1", "TT-TANTHANH", clock.now())
    return desk, desk.directory.staff_member(address_of_chat(OFFICER))


async def _dispatch(desk, officer, clock, *, alert: bool = True) -> int:
    """A direct send whose first two group copies and the SMS copy were left uncertain."""
    bulletin = await rules.create_bulletin(
        desk.db, officer, "TT-TANTHANH", ALERT_TOPIC if alert else "fraud", Content(ALERT),
        Action.SEND_NOW, clock.now())
    planned = await rules.plan_direct_send(
        desk.db, desk.directory.tree, bulletin,
        delivery_store.ALERT if alert else "now", officer.address, clock.now())
    async with desk.db.transaction() as conn:
        await conn.execute(update(deliveries)
                           .where(deliveries.c.dispatch_id == planned.dispatch_id)
                           .values(status=delivery_store.SENT))
        uncertain = [*sorted(planned.delivery_ids)[:2], max(planned.delivery_ids)]
        await conn.execute(update(deliveries).where(deliveries.c.id.in_(uncertain))
                           .values(status=delivery_store.UNCERTAIN))
    return planned.dispatch_id


async def _statuses(desk, dispatch_id) -> list[str]:
    async with desk.db.reading() as conn:
        return sorted((await conn.execute(select(deliveries.c.status).where(
            deliveries.c.dispatch_id == dispatch_id))).scalars())


async def test_a_paid_alerts_uncertain_copies_are_re_sent_only_after_the_cost_again(
        write_config, clock):
    desk, officer = await _desk(write_config, clock)
    try:
        dispatch_id = await _dispatch(desk, officer, clock)
        before = await _statuses(desk, dispatch_id)
        queue = QueueDesk(desk, VI)
        asked = await queue.resend(officer, f"resend:{dispatch_id}")
        question = asked.reply
        # The first question's words: the alert, its Stars (for the two Telegram groups among
        # the uncertain copies: not the SMS subscriber), the question; Confirm / Cancel.
        first = await AlertDesk(desk, VI).alert(officer, ALERT)
        asked_first = first.text.split("\n\n")
        again = question.text.split("\n\n")
        assert again[:-2] == asked_first[:-2] and again[-1] == asked_first[-1]
        assert "2 nhóm Telegram: 0,2 Telegram Stars" in again[-2]
        assert "3 nhóm Telegram: 0,3 Telegram Stars" in asked_first[-2]
        assert [[c.action for c in row] for row in question.choices] == [
            [f"resendok:{dispatch_id}", f"resendno:{dispatch_id}"]]
        assert await _statuses(desk, dispatch_id) == before  # nothing re-sent yet

        cancelled = await queue.resend(officer, f"resendno:{dispatch_id}")
        assert cancelled.redraw.text == VI("bulletins.force.cancelled")
        assert await _statuses(desk, dispatch_id) == before

        confirmed = await queue.resend(officer, f"resendok:{dispatch_id}")
        assert confirmed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."
        assert await _statuses(desk, dispatch_id) == ["pending"] * 3 + ["sent"] * 1
        twice = await queue.resend(officer, f"resendok:{dispatch_id}")
        assert twice.refused and twice.note == VI("bulletins.resend.nothing")
    finally:
        await desk.db.close()


async def test_a_bulletins_uncertain_copies_never_pay_and_go_at_once(write_config, clock):
    desk, officer = await _desk(write_config, clock)
    try:
        dispatch_id = await _dispatch(desk, officer, clock, alert=False)
        pressed = await QueueDesk(desk, VI).resend(officer, f"resend:{dispatch_id}")
        assert pressed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."
    finally:
        await desk.db.close()


async def test_with_paid_broadcasts_off_an_alerts_copies_go_at_once(write_config, clock):
    desk, officer = await _desk(write_config, clock, extra="")
    try:
        dispatch_id = await _dispatch(desk, officer, clock)
        pressed = await QueueDesk(desk, VI).resend(officer, f"resend:{dispatch_id}")
        assert "Stars" not in pressed.reply.text
        assert pressed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."
    finally:
        await desk.db.close()


async def test_someone_elses_dispatch_is_neither_asked_about_nor_re_sent(write_config, clock):
    desk, officer = await _desk(write_config, clock)
    try:
        dispatch_id = await _dispatch(desk, officer, clock)
        other = desk.directory.staff_member(address_of_chat(OTHER_OFFICER))  # TT-BINHTHANH
        pressed = await QueueDesk(desk, VI).resend(other, f"resend:{dispatch_id}")
        assert pressed.refused and pressed.note == VI("bulletins.queue.not_found")
    finally:
        await desk.db.close()


async def test_a_forced_resend_of_a_paid_alert_says_what_it_costs_before_the_confirmation(
        write_config, clock):
    desk, officer = await _desk(write_config, clock)
    try:
        dispatch_id = await _dispatch(desk, officer, clock)
        async with desk.db.transaction() as conn:  # every copy settled: all may be re-sent
            await conn.execute(update(deliveries)
                               .where(deliveries.c.dispatch_id == dispatch_id)
                               .values(status=delivery_store.SENT))
        asked = await QueueDesk(desk, VI).resend(officer, f"force:{dispatch_id}")
        confirm, cost = asked.reply.text.split("\n\n")
        assert confirm.startswith("Gửi lại bản tin #1 tới 3 nhóm? ")
        assert cost == AlertDesk(desk, VI).paid_cost(3)
        assert "3 nhóm Telegram: 0,3 Telegram Stars" in cost
    finally:
        await desk.db.close()


async def test_a_forced_resend_of_a_bulletin_names_no_cost(write_config, clock):
    desk, officer = await _desk(write_config, clock)
    try:
        dispatch_id = await _dispatch(desk, officer, clock, alert=False)
        async with desk.db.transaction() as conn:
            await conn.execute(update(deliveries)
                               .where(deliveries.c.dispatch_id == dispatch_id)
                               .values(status=delivery_store.SENT))
        asked = await QueueDesk(desk, VI).resend(officer, f"force:{dispatch_id}")
        assert "Stars" not in asked.reply.text and "\n\n" not in asked.reply.text
    finally:
        await desk.db.close()
