"""Bulletins and alerts reach SMS subscribers end to end (SPEC §13): the real bot, the Telegram
emulator and the SMS Gateway for Android emulator over real HTTP. A subscriber of a unit gets
what a group of that unit gets, once: a retry after a gateway fault, and an officer's re-send of
a copy whose answer never came, are not a second SMS; a scheduled bulletin is never sent to
the same phone twice."""

from __future__ import annotations

import functools
from datetime import timedelta

import pytest

import bot.sms_runtime
from bot.config import load_config
from bot.runtime import start_bot
from channels.sms.android_gateway import AndroidGatewayProvider
from channels.sms.gsm7 import is_gsm7
from tests.e2e.bulletin_steps import delivery_statuses, group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.sms.conftest import NUMBER, assert_no_number_stored_or_logged, confirmed_alert
from tests.e2e.test_groups_and_staff import reply_to


async def _subscribe(harness, number: str = "090 123 4567", unit: str = "TT-TANTHANH") -> None:
    added = await reply_to(harness.chat.fake, harness.chat.people.officer,
                           f"/sms add {number} {unit}")
    assert "09xx xxx 567" in added


async def test_an_alert_reaches_the_subscriber_once_despite_a_gateway_fault(sms_harness):
    chat, gateway = sms_harness.chat, sms_harness.gateway
    services = chat.bot.services
    groups = await link(chat.fake, services.db, "TT-TANTHANH", 1, services.clock)
    await _subscribe(sms_harness)
    gateway.fail_next_send(500)  # refused before anything was queued: retried, same id
    await confirmed_alert(chat, "Lũ lớn, di dời ngay")
    await chat.fake.wait_for_message(chat.people.officer.id,
                                     lambda m: "Kết quả gửi" in m.get("text", ""), timeout=20)
    [text] = sms_harness.texts_to()
    assert "Lu lon, di doi ngay" in text and is_gsm7(text)
    assert gateway.post_attempts == 2
    assert group_copies(chat.fake, groups[0].id) == 1
    assert await delivery_statuses(services.db) == ["sent", "sent"]
    # The alert of another commune does not reach this phone.
    await link(chat.fake, services.db, "TT-BINHTHANH", 1, services.clock, prefix="BT")
    await reply_to(chat.fake, chat.people.other_officer, "/khancap Cháy chợ Bình Thành")
    await chat.fake.wait_for_message(chat.people.other_officer.id,
                                     lambda m: "Kết quả gửi" in m.get("text", ""), timeout=20)
    assert len(sms_harness.texts_to()) == 1
    await assert_no_number_stored_or_logged(sms_harness, chat.config_path.parent / "data")


@pytest.fixture
def short_answer_wait(monkeypatch):
    """The bot waits 0.5 s for the gateway's answer (30 s in production)."""
    monkeypatch.setattr(bot.sms_runtime, "AndroidGatewayProvider",
                        functools.partial(AndroidGatewayProvider, timeout=0.5))


async def _confirm_resend_cost(chat) -> None:
    """An SMS costs money again: the re-send asks its count and cost first; Confirm."""
    question = await chat.fake.wait_for_message(
        chat.people.officer.id, lambda m: "Gửi lại ngay" in m.get("text", ""), timeout=10)
    assert "Sẽ gửi 1 tin SMS" in question["text"], question["text"]
    chat.fake.press_button(chat.people.officer, question,
                           question["reply_markup"]["inline_keyboard"][0][0]["callback_data"])


async def test_a_resent_copy_whose_answer_never_came_is_not_a_second_sms(short_answer_wait,
                                                                       sms_harness):
    # The gateway's answer comes after the adapter stopped waiting: "maybe delivered".
    harness, gateway = sms_harness, sms_harness.gateway
    chat = harness.chat
    await _subscribe(harness)
    gateway.answer_next_send_late(1.5)
    await confirmed_alert(chat, "Mất tích trẻ em ở ấp 1")
    summary = await chat.fake.wait_for_message(
        chat.people.officer.id, lambda m: "Kết quả gửi" in m.get("text", ""), timeout=20)
    assert await delivery_statuses(chat.bot.services.db) == ["uncertain"]
    resend = summary["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    chat.fake.press_button(chat.people.officer, summary, resend)
    await _confirm_resend_cost(chat)
    await chat.fake.wait_until(lambda: gateway.post_attempts == 2, timeout=10,
                               what="the re-send")
    await chat.fake.wait_for_message(
        chat.people.officer.id, lambda m: "Kết quả gửi" in m.get("text", "")
        and m["message_id"] != summary["message_id"], timeout=20)
    # The same delivery row, the same id: the gateway refused a second message (409).
    assert len(harness.texts_to()) == 1
    assert await delivery_statuses(chat.bot.services.db) == ["sent"]


async def test_scheduled_bulletins_reach_the_subscriber_each_once(sms_harness):
    chat = sms_harness.chat
    services = chat.bot.services
    await _subscribe(sms_harness, unit="TT-TANTHANH-A1")
    for text in ("/bulletin Bản tin thứ nhất: phòng cháy", "/bantin Bản tin thứ hai: ma túy"):
        assert "hàng đợi" in await reply_to(chat.fake, chat.people.officer, text)
    await services.bulletins.run_due_slots()  # the clock stands at Thursday 08:00
    await chat.fake.wait_until(lambda: len(sms_harness.texts_to()) == 1, timeout=10,
                               what="the first slot's SMS")
    await services.bulletins.run_due_slots()  # the same slot again: nothing
    chat.clock.advance(timedelta(days=4))  # Monday 08:00
    await services.bulletins.run_due_slots()
    await chat.fake.wait_until(lambda: len(sms_harness.texts_to()) == 2, timeout=10,
                               what="the second slot's SMS")
    chat.clock.advance(timedelta(days=3))  # Thursday 08:00: the queue is dry for this phone
    await services.bulletins.run_due_slots()
    await services.bulletins.engine.idle.wait()
    first, second = sms_harness.texts_to()
    assert "Ban tin thu nhat: phong chay" in first and "Ban tin thu hai: ma tuy" in second
    assert sorted(await delivery_statuses(services.db)) == ["sent", "sent"]


async def test_a_removed_subscriber_gets_nothing_and_its_number_is_gone(sms_harness):
    chat = sms_harness.chat
    await _subscribe(sms_harness)
    removed = await reply_to(chat.fake, chat.people.officer, "/sms remove 0901234567")
    assert "Đã xóa" in removed
    await reply_to(chat.fake, chat.people.officer, "/khancap Cảnh báo lừa đảo")
    await chat.bot.services.bulletins.engine.idle.wait()
    assert sms_harness.texts_to() == [] and NUMBER
    await assert_no_number_stored_or_logged(sms_harness, chat.config_path.parent / "data")


async def test_a_crash_while_an_sms_is_in_flight_and_a_resend_make_one_sms(sms_harness):
    """The process dies after the gateway took the SMS but before its answer was recorded: at
    the restart the copy is "uncertain"; the officer's re-send uses the same delivery row, so
    the gateway refuses a second message with that id."""
    chat, gateway = sms_harness.chat, sms_harness.gateway
    await _subscribe(sms_harness)
    gateway.answer_next_send_late(1.5)
    await confirmed_alert(chat, "Sạt lở bờ sông")
    await chat.fake.wait_until(lambda: gateway.post_attempts == 1, timeout=10,
                               what="the SMS request")
    await chat.bot.bulletins.desk.engine.abort()  # the process dies: nothing more is written
    await chat.bot.stop()
    config = load_config(chat.config_path, {"BOT_TOKEN": chat.fake.token,
                                            **sms_harness.environ})
    chat.bot = await start_bot(config, chat.fake.token, chat.clock, poll_timeout=1,
                               environ=sms_harness.environ)
    notice = await chat.fake.wait_for_message(chat.people.officer.id,
                                              lambda m: "không chắc" in m.get("text", ""),
                                              timeout=10)
    assert await delivery_statuses(chat.bot.services.db) == ["uncertain"]
    resend = notice["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    chat.fake.press_button(chat.people.officer, notice, resend)
    await _confirm_resend_cost(chat)
    await chat.fake.wait_until(lambda: gateway.post_attempts == 2, timeout=10,
                               what="the re-send")
    await chat.bot.bulletins.desk.engine.idle.wait()
    assert len(sms_harness.texts_to()) == 1
    assert await delivery_statuses(chat.bot.services.db) == ["sent"]
