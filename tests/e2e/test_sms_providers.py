"""The SMS adapter against the SMS emulators over real HTTP on 127.0.0.1: SMS Gateway for
Android (send with our id, a retry never a second SMS, states, signed incoming texts) and eSMS
brandname SMS in Sandbox (RequestId dedupe), with their faults."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from channels.sms.android_gateway import AndroidGatewayProvider
from channels.sms.channel import SmsChannel
from channels.sms.esms import EsmsProvider
from channels.sms.gsm7 import segment_count
from channels.sms.provider import InboundText, SmsState
from channels.sms.webhook import SmsWebhookReceiver
from core.address import Address
from core.clock import SystemClock
from core.outbound import (
    IDEMPOTENCY_KEY,
    ChatUnavailable,
    MaybeDelivered,
    OutboundMessage,
    Rejected,
    TransientFailure,
)
from emulators.sms import FakeEsms, FakeSmsGateway
from tips.anonymity import Anonymizer

ANSWER_WAIT = 1.0  # the adapters' read timeout in these tests
LATE_BY = ANSWER_WAIT + 0.5
NUMBER = "+84901234567"
ANONYMIZER = Anonymizer(bytes(range(32)))
BULLETIN = ("Công an xã Tân Thành đề nghị bà con cảnh giác với kẻ gian giả danh cán bộ điện "
            "lực đến từng nhà thu tiền. Không chuyển tiền cho người lạ. Đường dây nóng: 113.")


def subscriber(number: str = NUMBER) -> Address:
    """A subscriber's address as the core holds it: the number sealed."""
    return Address("sms", ANONYMIZER.seal_address(Address("sms", number)))


def message(text: str = BULLETIN, key: str = "delivery-41") -> OutboundMessage:
    return OutboundMessage(text=text, extra={IDEMPOTENCY_KEY: key})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def gateway() -> AsyncIterator[FakeSmsGateway]:
    fake = FakeSmsGateway()
    await fake.start()
    yield fake
    await fake.stop()
    assert not fake.internal_errors, fake.internal_errors


@pytest.fixture
async def esms() -> AsyncIterator[FakeEsms]:
    fake = FakeEsms()
    await fake.start()
    yield fake
    await fake.stop()
    assert not fake.internal_errors, fake.internal_errors


def gateway_channel(fake: FakeSmsGateway, *, password: str | None = None,
                    base_url: str | None = None, older_form: bool = False) -> SmsChannel:
    provider = AndroidGatewayProvider(base_url or fake.base_url, fake.username,
                                      password or fake.password, older_form=older_form,
                                      timeout=ANSWER_WAIT)
    return SmsChannel(provider, ANONYMIZER.open_address, max_segments=2)


def esms_channel(fake: FakeEsms, *, secret_key: str | None = None) -> SmsChannel:
    provider = EsmsProvider(fake.api_key, secret_key or fake.secret_key, "CA-XA-DEMO",
                            sandbox=True, api_base_url=fake.base_url, timeout=ANSWER_WAIT)
    return SmsChannel(provider, ANONYMIZER.open_address, max_segments=2)


# ---- SMS Gateway for Android ------------------------------------------------------------
async def test_a_bulletin_goes_as_one_gsm7_sms_with_our_id(gateway):
    channel = gateway_channel(gateway)
    await channel.send(subscriber(), message())
    [sms] = gateway.sms_to(NUMBER)
    assert sms.id == "delivery-41" and sms.phone_numbers == [NUMBER]
    assert sms.text.startswith("Cong an xa Tan Thanh de nghi ba con canh giac")
    assert sms.encoding == "GSM-7" and sms.segments == segment_count(sms.text) <= 2
    assert not sms.with_older_form
    await channel.provider.close()


async def test_states_follow_the_phone(gateway):
    channel = gateway_channel(gateway)
    await channel.send(subscriber(), message(key="delivery-1"))
    gateway.mark_unreachable("+84321234567")
    await channel.send(subscriber("+84321234567"), message(key="delivery-2"))
    assert await channel.provider.state("delivery-1") is SmsState.PENDING
    gateway.advance()
    assert await channel.provider.state("delivery-1") is SmsState.PROCESSED
    gateway.deliver_all()
    assert await channel.provider.state("delivery-1") is SmsState.DELIVERED
    assert await channel.provider.state("delivery-2") is SmsState.FAILED
    assert await channel.provider.state("never-sent") is SmsState.UNKNOWN
    await channel.provider.close()


async def test_a_retry_after_a_lost_answer_is_never_a_second_sms(gateway):
    channel = gateway_channel(gateway)
    gateway.answer_next_send_late(LATE_BY)
    with pytest.raises(MaybeDelivered):
        await channel.send(subscriber(), message())
    await channel.send(subscriber(), message())  # the same delivery row, sent again
    assert gateway.post_attempts == 2
    assert len(gateway.sms_to(NUMBER)) == 1
    await channel.provider.close()


async def test_a_server_error_sends_nothing_and_a_retry_sends_once(gateway):
    channel = gateway_channel(gateway)
    gateway.fail_next_send(500)
    with pytest.raises(TransientFailure) as failed:
        await channel.send(subscriber(), message())
    assert not isinstance(failed.value, MaybeDelivered)
    assert gateway.sms_to(NUMBER) == []
    await channel.send(subscriber(), message())
    assert len(gateway.sms_to(NUMBER)) == 1
    await channel.provider.close()


async def test_refused_credentials_and_no_gateway(gateway):
    wrong = gateway_channel(gateway, password="not-the-password")
    with pytest.raises(Rejected):
        await wrong.send(subscriber(), message())
    nowhere = gateway_channel(gateway, base_url=f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(TransientFailure) as failed:
        await nowhere.send(subscriber(), message())
    assert not isinstance(failed.value, MaybeDelivered)  # the request never left
    assert gateway.messages == {}
    await wrong.provider.close()
    await nowhere.provider.close()


async def test_older_gateways_take_the_message_form(gateway):
    channel = gateway_channel(gateway, older_form=True)
    await channel.send(subscriber(), message(text="Họp tổ 19h"))
    [sms] = gateway.sms_to(NUMBER)
    assert sms.with_older_form and sms.text == "Hop to 19h"
    await channel.provider.close()


async def test_an_address_not_sealed_with_our_key_is_unreachable(gateway):
    channel = gateway_channel(gateway)
    stranger = Address("sms", Anonymizer(bytes(32)).seal_address(Address("sms", NUMBER)))
    with pytest.raises(ChatUnavailable):
        await channel.send(stranger, message())
    assert gateway.post_attempts == 0
    await channel.provider.close()


# ---- incoming texts (sms:received) ------------------------------------------------------
async def start_receiver(gateway, db) -> tuple[SmsWebhookReceiver, list[InboundText]]:
    """The bot's webhook receiver on a free port, and the texts it hands on (sealed)."""
    received: list[InboundText] = []

    async def on_text(text: InboundText) -> None:
        received.append(text)

    hook = SmsWebhookReceiver(db=db, signing_key=gateway.signing_key, listen="127.0.0.1",
                              port=0, path="/sms/webhook", on_text=on_text,
                              seal=ANONYMIZER.seal_address, clock=SystemClock())
    await hook.start()
    return hook, received


@pytest.fixture
async def receiver(gateway, db) -> AsyncIterator[tuple[SmsWebhookReceiver, list[InboundText]]]:
    hook, received = await start_receiver(gateway, db)
    gateway.add_webhook(hook.url)
    yield hook, received
    await hook.stop()


async def test_a_signed_text_reaches_the_bot_with_the_sender_sealed(gateway, receiver, caplog):
    caplog.set_level(logging.DEBUG)
    _, received = receiver
    assert await gateway.text_from("0901234567", "TB có người lạ dò hỏi nhà vắng chủ") == [200]
    [text] = received
    assert text.text == "TB có người lạ dò hỏi nhà vắng chủ"
    assert text.sender.channel == "sms" and "901234567" not in text.sender.id
    assert ANONYMIZER.open_address(text.sender.id) == Address("sms", NUMBER)
    assert "901234567" not in caplog.text


@pytest.mark.parametrize("forgery", ["unsigned", "bad_signature", "stale", "from_the_future"])
async def test_unsigned_forged_or_replayed_texts_are_refused(gateway, receiver, forgery):
    _, received = receiver
    now = int(time.time())
    kwargs = {"unsigned": {"signed": False},
              "bad_signature": {"signature": "0" * 64},
              "stale": {"timestamp": now - 3600},
              "from_the_future": {"timestamp": now + 3600}}[forgery]
    assert await gateway.text_from(NUMBER, "HUY", **kwargs) == [401]
    assert received == []


async def test_a_webhook_signed_with_another_key_is_refused(gateway, receiver):
    _, received = receiver
    gateway.signing_key = "somebody-elses-key"
    assert await gateway.text_from(NUMBER, "HUY") == [401]
    assert received == []


async def test_a_retried_webhook_is_handled_once(gateway, receiver):
    _, received = receiver
    await gateway.text_from(NUMBER, "TT TIP-7K3M9Q")
    call = gateway.webhook_calls[-1]
    # The gateway posts the same event again (it did not see our answer).
    async with httpx.AsyncClient() as client:
        again = await client.post(call.url, content=call.body, headers=call.headers)
    assert again.status_code == 200 and len(received) == 1


async def test_a_sender_that_is_not_a_mobile_number_is_ignored(gateway, receiver):
    _, received = receiver
    assert await gateway.text_from("Viettel", "Khuyen mai") == [200]
    assert await gateway.text_from("191", "Tai khoan") == [200]
    assert received == []


# ---- eSMS brandname ---------------------------------------------------------------------
async def test_esms_sends_in_sandbox_and_a_repeated_request_id_is_one_sms(esms):
    channel = esms_channel(esms)
    await channel.send(subscriber(), message(key="delivery-77"))
    await channel.send(subscriber(), message(key="delivery-77"))  # a retry of the same row
    [sms] = esms.accepted
    assert (sms.phone, sms.request_id, sms.sandbox, sms.brandname) == (
        "0901234567", "delivery-77", True, "CA-XA-DEMO")
    assert sms.content.startswith("Cong an xa") and sms.segments == segment_count(sms.content)
    assert [answer["CodeResult"] for answer in esms.answers] == ["100", "124"]
    assert await channel.provider.state("delivery-77") is SmsState.UNKNOWN
    await channel.provider.close()


async def test_esms_faults_map_onto_the_send_failures(esms):
    channel = esms_channel(esms)
    esms.fail_next_send(503)
    with pytest.raises(TransientFailure):
        await channel.send(subscriber(), message(key="a"))
    esms.answer_next_send_late(LATE_BY)
    with pytest.raises(MaybeDelivered):
        await channel.send(subscriber(), message(key="b"))
    await channel.send(subscriber(), message(key="b"))  # RequestId b was taken: 124
    assert [s.request_id for s in esms.accepted] == ["b"]
    esms.blocked.add("0321234567")
    with pytest.raises(ChatUnavailable):
        await channel.send(subscriber("+84321234567"), message(key="c"))
    wrong = esms_channel(esms, secret_key="wrong")
    with pytest.raises(Rejected):
        await wrong.send(subscriber(), message(key="d"))
    await asyncio.gather(channel.provider.close(), wrong.provider.close())


async def test_the_bot_registers_its_webhook_as_the_app_documents(gateway, db):
    hook, received = await start_receiver(gateway, db)
    async with httpx.AsyncClient(auth=(gateway.username, gateway.password)) as client:
        registered = await client.post(f"{gateway.base_url}/webhooks", json={
            "id": "ketnoi-antt", "url": hook.url, "event": "sms:received"})
        refused = await client.post(f"{gateway.base_url}/webhooks", json={}, auth=("x", "y"))
    assert (registered.status_code, registered.json()["id"]) == (201, "ketnoi-antt")
    assert refused.status_code == 401
    assert await gateway.text_from(NUMBER, "HUY") == [200]
    assert [t.text for t in received] == ["HUY"]
    await hook.stop()
