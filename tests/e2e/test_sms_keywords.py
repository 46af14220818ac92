"""A person texts the gateway phone (the SMS Gateway for Android emulator posts the signed
``sms:received`` webhook to the bot's receiver over real HTTP): ``DK MÃ`` subscribes,
``HUY`` always unsubscribes, anything else gets the help; each is answered by one SMS drawn in
GSM-7, and the number is stored only sealed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from broadcasts.sms_subscribers import SmsSubscribers
from channels.sms.android_gateway import AndroidGatewayProvider
from channels.sms.channel import SmsChannel
from channels.sms.gsm7 import is_gsm7
from channels.sms.inbound import SmsInbound
from channels.sms.webhook import SmsWebhookReceiver
from core.clock import SystemClock
from core.i18n import Translator
from emulators.sms import FakeSmsGateway
from org.directory import Directory
from org.units import Unit
from storage.schema import sms_subscribers
from tips.anonymity import Anonymizer

NUMBER = "+84901234567"
UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT-TANTHANH", "Xã Tân Thành", "DT")]


@pytest.fixture
async def phone(db) -> AsyncIterator[tuple[FakeSmsGateway, SmsSubscribers]]:
    gateway = FakeSmsGateway()
    await gateway.start()
    clock = SystemClock()
    anonymizer = Anonymizer(bytes(range(32)))
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [], clock.now())
    subscribers = SmsSubscribers(db, directory, anonymizer, clock)
    provider = AndroidGatewayProvider(gateway.base_url, gateway.username, gateway.password)
    channel = SmsChannel(provider, anonymizer.open_address, max_segments=1)
    inbound = SmsInbound(subscribers, channel, Translator("vi"),
                         unit_name=lambda code: directory.tree.find(code).name)
    receiver = SmsWebhookReceiver(db=db, signing_key=gateway.signing_key, listen="127.0.0.1",
                                  port=0, path="/sms/webhook", on_text=inbound.on_text,
                                  seal=anonymizer.seal_address, clock=clock)
    await receiver.start()
    gateway.add_webhook(receiver.url)
    yield gateway, subscribers
    await receiver.stop()
    await provider.close()
    await gateway.stop()
    assert not gateway.internal_errors, gateway.internal_errors


def answers(gateway: FakeSmsGateway) -> list[str]:
    return [sms.text for sms in gateway.sms_to(NUMBER)]


async def test_dk_subscribes_and_huy_unsubscribes_each_answered_once(phone, db, caplog):
    caplog.set_level(logging.DEBUG)
    gateway, subscribers = phone
    assert await gateway.text_from("0901 234 567", "Đk tt-tanthanh") == [200]
    [subscribed] = answers(gateway)
    assert subscribed.startswith("Da dang ky nhan tin nhan an ninh cua Xa Tan Thanh")
    assert is_gsm7(subscribed)
    assert len(await subscribers.addresses_of_unit("TT-TANTHANH")) == 1

    assert await gateway.text_from(NUMBER, "Hủy") == [200]
    assert answers(gateway)[-1].startswith("Da thoi gui tin nhan an ninh")
    assert await subscribers.addresses_of_unit("TT-TANTHANH") == []
    async with db.reading() as conn:
        assert (await conn.execute(sms_subscribers.select())).all() == []
    assert len(answers(gateway)) == 2
    for form in ("0901234567", "901234567", "0901 234 567"):
        assert form not in caplog.text


async def test_a_repeated_webhook_is_answered_once(phone):
    gateway, _ = phone
    await gateway.text_from(NUMBER, "DK TT-TANTHANH")
    call = gateway.webhook_calls[-1]

    async with httpx.AsyncClient() as client:
        assert (await client.post(call.url, content=call.body, headers=call.headers)
                ).status_code == 200
    assert len(answers(gateway)) == 1


async def test_unknown_units_and_other_texts_get_the_help(phone):
    gateway, subscribers = phone
    await gateway.text_from(NUMBER, "DK XYZ")
    await gateway.text_from(NUMBER, "DK")
    await gateway.text_from(NUMBER, "Alo công an ơi")
    await gateway.text_from(NUMBER, "TB có người lạ")  # tips by SMS are not wired yet
    unknown, usage, help_, tip = answers(gateway)
    assert unknown.startswith("Khong co don vi ma XYZ")
    assert usage.startswith("De nhan tin nhan an ninh, nhan DK")
    assert help_ == tip and help_.startswith("Tin nhan an ninh: nhan DK")
    assert all(gateway.messages[m].segments == 1 for m in gateway.messages)
    assert await subscribers.addresses_of_unit("TT-TANTHANH") == []
