"""Re-sending a dispatch's uncertain copies that cost money: an alert's to Telegram groups when
alerts go as paid broadcasts (Stars), and those to SMS subscribers when SMS is configured. The
officer is asked first (to whom, the words, the Stars, the SMS and their cost); nothing is
re-sent before the confirmation of a question actually asked, taken once (a cancelled, answered,
forged or outdated Confirm asks again); without a copy that costs (a bulletin to groups, paid
broadcasts off, no SMS configured) the re-send goes at once (``broadcasts.alerts``,
``broadcasts.resends``, ``broadcasts.resend_questions``, ``broadcasts.queue_actions``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from broadcasts import bulletins as rules
from broadcasts.alerts import AlertDesk
from broadcasts.bulletins import ALERT_TOPIC, Action, Content
from broadcasts.desk import BulletinDesk
from broadcasts.queue_actions import QueueDesk
from broadcasts.sms_cost import SmsCosts
from channels.telegram_addresses import address_of_chat
from core.i18n import Translator
from core.outbound import OutboundMessage
from org.staff import StaffMember
from storage import deliveries as delivery_store
from storage import sms_subscribers as sms_store
from storage.schema import deliveries
from tests.bulletin_seed import OFFICER, OTHER_OFFICER, link_groups, open_desk
from tests.fresh_database import STORAGES, fresh_storage_url

VI = Translator("vi")
PAID = "\n[bulletins]\npaid_broadcast = true\n"
ALERT = "Lũ lớn, di dời ngay"


@pytest.fixture(params=STORAGES)
async def storage_url(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    async for url in fresh_storage_url(request.param):
        yield url


@asynccontextmanager
async def _seeded_desk(config_path: Path, clock) -> AsyncIterator[BulletinDesk]:
    """Three groups and an SMS subscriber in TT-TANTHANH, on the test's storage (SQLite, then
    PostgreSQL: ``tests.fresh_database``). Not started: nothing is sent."""
    async with open_desk(config_path, clock) as (desk, _, _):
        await link_groups(desk.db, "TT-TANTHANH", 3, clock.now())
        async with desk.db.transaction() as conn:  # as /sms add keeps one: sealed, keyed hash
            await sms_store.subscribe(conn, "hash-1", "sealed-1", "TT-TANTHANH", clock.now())
        yield desk


@pytest.fixture
async def desk(write_config, clock, storage_url) -> AsyncIterator[BulletinDesk]:
    """Alerts to groups go as paid broadcasts (Stars)."""
    async with _seeded_desk(write_config(PAID, storage_url=storage_url), clock) as seeded:
        yield seeded


def _member(desk, chat_id: int) -> StaffMember:
    return desk.directory.staff_member(address_of_chat(chat_id))


@pytest.fixture
def officer(desk) -> StaffMember:
    return _member(desk, OFFICER)


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


async def _set_statuses(desk, dispatch_id: int, status: str, *, were: str | None = None) -> None:
    """The dispatch's copies (those that ``were`` so, else all) now ``status``: as a crash, or
    the engine, leaves them."""
    rows = deliveries.c.dispatch_id == dispatch_id
    if were is not None:
        rows = rows & (deliveries.c.status == were)
    async with desk.db.transaction() as conn:
        await conn.execute(update(deliveries).where(rows).values(status=status))


async def _statuses(desk, dispatch_id) -> list[str]:
    async with desk.db.reading() as conn:
        return sorted((await conn.execute(select(deliveries.c.status).where(
            deliveries.c.dispatch_id == dispatch_id))).scalars())


async def test_a_paid_alerts_uncertain_copies_are_re_sent_only_after_the_cost_again(
        desk, officer, clock):
    dispatch_id = await _dispatch(desk, officer, clock)
    before = await _statuses(desk, dispatch_id)
    queue = QueueDesk(desk, VI)
    asked = await queue.resend(officer, f"resend:{dispatch_id}")
    question = asked.reply
    # To whom (the re-send's copies, not the whole scope), the alert, its Stars (for the
    # two Telegram groups among the uncertain copies: not the SMS subscriber), the first
    # question's last line; Confirm / Cancel.
    first = await AlertDesk(desk, VI).alert(officer, ALERT)
    asked_first = first.text.split("\n\n")
    again = question.text.split("\n\n")
    assert again[0] == ("Gửi lại ngay tới 2 nhóm và 1 người nhận SMS chưa chắc đã nhận được"
                        " tin này:")
    assert again[1] == ALERT and again[-1] == asked_first[-1]
    assert "2 nhóm Telegram: 0,2 Telegram Stars" in again[-2]
    assert "3 nhóm Telegram: 0,3 Telegram Stars" in asked_first[-2]
    assert [[c.action for c in row] for row in question.choices] == [
        [f"resendok:{dispatch_id}", f"resendno:{dispatch_id}"]]
    assert await _statuses(desk, dispatch_id) == before  # nothing re-sent yet

    cancelled = await queue.resend(officer, f"resendno:{dispatch_id}")
    assert cancelled.redraw.text == VI("bulletins.force.cancelled")
    assert await _statuses(desk, dispatch_id) == before

    await queue.resend(officer, f"resend:{dispatch_id}")  # asked again, then confirmed
    confirmed = await queue.resend(officer, f"resendok:{dispatch_id}")
    assert confirmed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."
    assert await _statuses(desk, dispatch_id) == ["pending"] * 3 + ["sent"] * 1
    twice = await queue.resend(officer, f"resendok:{dispatch_id}")
    assert twice.refused and twice.note == VI("bulletins.resend.nothing")


async def test_a_confirmation_never_asked_re_sends_nothing_and_asks(desk, officer, clock):
    """A forged (or lost) ``resendok`` without its question: the question, nothing re-sent."""
    dispatch_id = await _dispatch(desk, officer, clock)
    before = await _statuses(desk, dispatch_id)
    pressed = await QueueDesk(desk, VI).resend(officer, f"resendok:{dispatch_id}")
    assert "0,2 Telegram Stars" in pressed.reply.text
    assert await _statuses(desk, dispatch_id) == before


async def test_an_answered_questions_button_does_not_confirm_a_later_round(desk, officer, clock):
    """The question's Confirm is taken once: after a later crash leaves the re-sent copies
    uncertain again, the old button asks again instead of paying unseen."""
    dispatch_id = await _dispatch(desk, officer, clock)
    queue = QueueDesk(desk, VI)
    await queue.resend(officer, f"resend:{dispatch_id}")
    await queue.resend(officer, f"resendok:{dispatch_id}")
    # The re-sent copies: uncertain again.
    await _set_statuses(desk, dispatch_id, delivery_store.UNCERTAIN, were=delivery_store.PENDING)
    before = await _statuses(desk, dispatch_id)
    again = await queue.resend(officer, f"resendok:{dispatch_id}")
    assert "0,2 Telegram Stars" in again.reply.text
    assert await _statuses(desk, dispatch_id) == before
    confirmed = await queue.resend(officer, f"resendok:{dispatch_id}")  # the new question's
    assert confirmed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."


async def test_a_question_whose_figures_changed_is_asked_again(desk, officer, clock):
    dispatch_id = await _dispatch(desk, officer, clock)
    queue = QueueDesk(desk, VI)
    await queue.resend(officer, f"resend:{dispatch_id}")  # 2 paid groups shown
    # A third group's copy is uncertain too.
    await _set_statuses(desk, dispatch_id, delivery_store.UNCERTAIN, were=delivery_store.SENT)
    before = await _statuses(desk, dispatch_id)
    pressed = await queue.resend(officer, f"resendok:{dispatch_id}")
    assert "3 nhóm Telegram: 0,3 Telegram Stars" in pressed.reply.text
    assert await _statuses(desk, dispatch_id) == before


async def test_a_cancelled_question_cannot_be_confirmed_afterwards(desk, officer, clock):
    dispatch_id = await _dispatch(desk, officer, clock)
    queue = QueueDesk(desk, VI)
    await queue.resend(officer, f"resend:{dispatch_id}")
    await queue.resend(officer, f"resendno:{dispatch_id}")
    before = await _statuses(desk, dispatch_id)
    pressed = await queue.resend(officer, f"resendok:{dispatch_id}")
    assert pressed.reply.choices and await _statuses(desk, dispatch_id) == before


async def test_a_confirmation_an_hour_after_its_question_re_sends_nothing_and_asks_again(
        desk, officer, clock):
    """The question's lifetime (``broadcasts.resend_questions``): a Confirm pressed this late
    is not taken to mean the cost shown back then."""
    dispatch_id = await _dispatch(desk, officer, clock)
    queue = QueueDesk(desk, VI)
    await queue.resend(officer, f"resend:{dispatch_id}")
    clock.advance(timedelta(hours=1, minutes=1))
    before = await _statuses(desk, dispatch_id)
    pressed = await queue.resend(officer, f"resendok:{dispatch_id}")
    assert "0,2 Telegram Stars" in pressed.reply.text
    assert await _statuses(desk, dispatch_id) == before


@dataclass
class _Tariff:
    """SMS billing as the wiring hands it over: one part an SMS, 500 VND a part."""

    price_vnd: int = 500
    monthly_budget_vnd: int = 2_000_000

    def segments_of(self, message: OutboundMessage) -> int:
        return 1

    async def spent_this_month(self) -> int:
        return 0


def _with_sms(desk) -> None:
    desk.sms_costs = SmsCosts(desk.db, desk.directory, desk.clock,
                              desk.sms_costs._capabilities_for, desk._render, _Tariff())


async def test_uncertain_sms_copies_are_re_sent_after_their_cost_with_the_stars(
        desk, officer, clock):
    _with_sms(desk)
    dispatch_id = await _dispatch(desk, officer, clock)
    before = await _statuses(desk, dispatch_id)
    asked = await QueueDesk(desk, VI).resend(officer, f"resend:{dispatch_id}")
    parts = asked.reply.text.split("\n\n")
    assert "0,2 Telegram Stars" in parts[2]
    assert parts[3] == ("Sẽ gửi 1 tin SMS (1 đoạn mỗi tin), khoảng 500 đồng; còn 2.000.000"
                        " đồng ngân sách tháng này.")
    assert await _statuses(desk, dispatch_id) == before


async def test_a_bulletins_uncertain_sms_copies_are_asked_about_first(desk, officer, clock):
    """No Stars (a bulletin), but SMS cost money: asked first, as before the first send."""
    _with_sms(desk)
    dispatch_id = await _dispatch(desk, officer, clock, alert=False)
    before = await _statuses(desk, dispatch_id)
    queue = QueueDesk(desk, VI)
    asked = await queue.resend(officer, f"resend:{dispatch_id}")
    assert "Stars" not in asked.reply.text and "1 tin SMS" in asked.reply.text
    assert await _statuses(desk, dispatch_id) == before
    confirmed = await queue.resend(officer, f"resendok:{dispatch_id}")
    assert confirmed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."


async def test_a_bulletins_uncertain_copies_never_pay_and_go_at_once(desk, officer, clock):
    dispatch_id = await _dispatch(desk, officer, clock, alert=False)
    pressed = await QueueDesk(desk, VI).resend(officer, f"resend:{dispatch_id}")
    assert pressed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."


async def test_with_paid_broadcasts_off_an_alerts_copies_go_at_once(
        write_config, clock, storage_url):
    async with _seeded_desk(write_config(storage_url=storage_url), clock) as desk:
        officer = _member(desk, OFFICER)
        dispatch_id = await _dispatch(desk, officer, clock)
        pressed = await QueueDesk(desk, VI).resend(officer, f"resend:{dispatch_id}")
        assert "Stars" not in pressed.reply.text
        assert pressed.reply.text == "Đang gửi lại tới 2 nhóm và 1 người nhận SMS."


async def test_someone_elses_dispatch_is_neither_asked_about_nor_re_sent(desk, officer, clock):
    dispatch_id = await _dispatch(desk, officer, clock)
    other = _member(desk, OTHER_OFFICER)  # TT-BINHTHANH
    pressed = await QueueDesk(desk, VI).resend(other, f"resend:{dispatch_id}")
    assert pressed.refused and pressed.note == VI("bulletins.queue.not_found")


async def test_a_forced_resend_of_a_paid_alert_says_what_it_costs_before_the_confirmation(
        desk, officer, clock):
    dispatch_id = await _dispatch(desk, officer, clock)
    await _set_statuses(desk, dispatch_id, delivery_store.SENT)  # all settled: all re-sendable
    asked = await QueueDesk(desk, VI).resend(officer, f"force:{dispatch_id}")
    confirm, cost = asked.reply.text.split("\n\n")
    assert confirm.startswith("Gửi lại bản tin #1 tới 3 nhóm? ")
    assert cost == AlertDesk(desk, VI).paid_cost(3)
    assert "3 nhóm Telegram: 0,3 Telegram Stars" in cost


async def test_a_forced_resend_of_a_bulletin_names_no_cost(desk, officer, clock):
    dispatch_id = await _dispatch(desk, officer, clock, alert=False)
    await _set_statuses(desk, dispatch_id, delivery_store.SENT)
    asked = await QueueDesk(desk, VI).resend(officer, f"force:{dispatch_id}")
    assert "Stars" not in asked.reply.text and "\n\n" not in asked.reply.text
