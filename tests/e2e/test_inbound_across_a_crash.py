"""Inbound Zalo OA, Zalo Bot and SMS events across a crash (SPEC §11, §12, §13): never handled
twice, and no silent loss. Each platform posts over real HTTP from its emulator.

The crash window: a process claims an event and dies while handling it (here its receiver stops
with the handling never finished, its claim committed: what a SIGKILL leaves). The platform saw
no answer and retries. The next start finds the claim, counts it in
``kna_inbound_uncertain_total{channel}`` and logs it without content or sender; the retry is
answered 200 and not handled again (part of the first handling may be done: a tip filed, a
receipt sent). The SMS restart: a text handled just before a restart and retried by the gateway
after it (answered 2xx too late) is not handled again: no second tip, no second receipt SMS."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from broadcasts.sms_subscribers import SmsSubscribers
from channels import inbound_once
from channels.sms.android_gateway import AndroidGatewayProvider
from channels.sms.channel import SmsChannel
from channels.sms.inbound import SmsInbound
from channels.sms.webhook import SmsWebhookReceiver
from channels.zalo_bot.api import ZaloBotApi
from channels.zalo_bot.handled import HandledOnce
from channels.zalo_bot.polling import UpdatePoller
from channels.zalo_bot.webhook import ZaloBotWebhook
from core.clock import SystemClock
from core.i18n import Translator
from emulators.sms import FakeSmsGateway
from emulators.zalo_bot import FakeZaloBot
from emulators.zalo_oa import FakeZaloOA
from ops.metrics import PROCESS_REGISTRY
from org.directory import Directory
from org.units import Unit
from storage.schema import sms_seen_messages, zalo_bot_handled_messages, zalo_seen_events
from tips.anonymity import Anonymizer

from .log_watch import product_logs
from .zalo_steps import Received, running_zalo, zalo_webhook

NUMBER = "+84901234567"
UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT-TANTHANH", "Xã Tân Thành", "DT")]
TIP = "nhà số 5 hẻm 9 buôn ma túy"
ANONYMIZER = Anonymizer(bytes(range(32)))


@pytest.fixture(autouse=True)
def short_stop_grace(monkeypatch) -> None:
    """A process here "dies" by stopping with a handling that never ends: its stop waits a
    moment for it (``InboundOnce.drain``), not the product's ten seconds."""
    monkeypatch.setattr(inbound_once, "STOP_GRACE_SECONDS", 0.2)


class DiesWhileHandling:
    """A handler whose process dies while it runs: it never returns. ``bury`` ends the
    abandoned coroutines when the test is over (a killed process has none left)."""

    def __init__(self) -> None:
        self.arrived = asyncio.Event()
        self._waits: list[asyncio.Future[None]] = []

    async def __call__(self, *_event: object) -> None:
        self.arrived.set()
        never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waits.append(never)
        await never

    def bury(self) -> None:
        for wait in self._waits:
            wait.cancel()


async def dies_while_handling(process: contextlib.AbstractAsyncContextManager[Any],
                              post: Callable[[], Awaitable[Any]],
                              dies: DiesWhileHandling) -> None:
    """``post`` reaches the process's receiver, whose handling hangs; then the process dies:
    its receiver stops and the platform's request ends without an answer."""
    async with process:
        request = asyncio.ensure_future(post())
        await asyncio.wait_for(dies.arrived.wait(), 10)
    request.cancel()
    with contextlib.suppress(BaseException):
        await request


def uncertain_count(channel: str) -> float:
    return PROCESS_REGISTRY.get_sample_value("kna_inbound_uncertain_total",
                                             {"channel": channel}) or 0.0


async def states(db, table) -> list[str]:
    async with db.reading() as conn:
        return list((await conn.execute(select(table.c.state))).scalars())


# ---- Zalo OA ------------------------------------------------------------------------------
@pytest.fixture
async def zalo_oa() -> AsyncIterator[FakeZaloOA]:
    async with running_zalo() as zalo:
        yield zalo


async def test_zalo_oa_an_event_a_dead_process_was_handling_is_counted_uncertain_not_handled_twice(
        db, zalo_oa):
    person = zalo_oa.user("Lê Văn Dân")
    event = zalo_oa.signed_event("user_send_text", person.id, zalo_oa.oa_id, {"text": TIP},
                                 msg_id="5f3a0c9e1b2d4e6f7a8b")
    dies, received = DiesWhileHandling(), Received()
    counted = uncertain_count("zalo_oa")
    async with product_logs(zalo_oa.app_secret, zalo_oa.oa_secret) as logs:
        await dies_while_handling(zalo_webhook(db, zalo_oa, dies),
                                  lambda: zalo_oa.post_event(event), dies)
        async with zalo_webhook(db, zalo_oa, received):  # the next start
            retried = await zalo_oa.post_event(event)  # Zalo retries the unanswered event
            again = await zalo_oa.post_event(event)
    dies.bury()

    assert (retried.status_code, again.status_code) == (200, 200)
    assert received.events == []  # never handled twice
    assert uncertain_count("zalo_oa") == counted + 1  # counted once, not per retry
    assert await states(db, zalo_seen_events) == ["uncertain"]
    written = logs.getvalue()
    assert "zalo_oa: 1 inbound event(s) were being handled when a process stopped" in written
    assert person.id not in written and "ma túy" not in written and "Lê Văn Dân" not in written


async def test_zalo_oa_a_retry_while_the_event_is_still_handled_here_is_asked_again_later(
        db, zalo_oa):
    person = zalo_oa.user("Lê Văn Dân")
    event = zalo_oa.signed_event("user_send_text", person.id, zalo_oa.oa_id, {"text": TIP})
    arrived, release, handled = asyncio.Event(), asyncio.Event(), []

    async def slow(event) -> None:
        arrived.set()
        await release.wait()
        handled.append(event)

    async with zalo_webhook(db, zalo_oa, slow):
        first = asyncio.ensure_future(zalo_oa.post_event(event))
        await asyncio.wait_for(arrived.wait(), 10)
        retried = await zalo_oa.post_event(event)
        release.set()
        answered = await first
        later = await zalo_oa.post_event(event)
    assert (retried.status_code, answered.status_code, later.status_code) == (503, 200, 200)
    assert len(handled) == 1


# ---- Zalo Bot -----------------------------------------------------------------------------
@pytest.fixture
async def zalo_bot() -> AsyncIterator[FakeZaloBot]:
    zalo = FakeZaloBot()
    await zalo.start()
    yield zalo
    await zalo.stop()
    assert not zalo.internal_errors, zalo.internal_errors


@contextlib.asynccontextmanager
async def bot_webhook(db, zalo: FakeZaloBot, on_update) -> AsyncIterator[ZaloBotWebhook]:
    handled = HandledOnce(db, zalo.token, on_update, SystemClock())
    webhook = ZaloBotWebhook(handled=handled, secret="a-webhook-secret-token",
                             listen="127.0.0.1", port=0, path="/zalo-bot/webhook")
    await webhook.start()
    zalo.webhook_url, zalo.webhook_secret = webhook.url, "a-webhook-secret-token"
    try:
        yield webhook
    finally:
        zalo.webhook_url = zalo.webhook_secret = None
        await webhook.stop()


@pytest.mark.parametrize("next_start", ["webhook", "polling"])
async def test_zalo_bot_a_message_a_dead_process_was_handling_is_uncertain_not_handled_twice(
        db, zalo_bot, next_start):
    resident = zalo_bot.user("Lê Thị Dân")
    dies, handled = DiesWhileHandling(), []

    async def on_update(update) -> None:
        handled.append(update)

    counted = uncertain_count("zalo_bot")
    async with product_logs(zalo_bot.token, "a-webhook-secret-token") as logs:
        await dies_while_handling(
            bot_webhook(db, zalo_bot, dies),
            lambda: zalo_bot.user_sends_text(resident, TIP, message_id="aa00000000000000001"),
            dies)
        if next_start == "webhook":
            async with bot_webhook(db, zalo_bot, on_update):
                answer = await zalo_bot.deliver_again("aa00000000000000001")
                assert answer is not None and answer.status_code == 200
        else:
            async with httpx.AsyncClient() as http:
                poller = UpdatePoller(ZaloBotApi(http, zalo_bot.base_url, zalo_bot.token),
                                      HandledOnce(db, zalo_bot.token, on_update, SystemClock()),
                                      poll_seconds=1)
                await poller.start()
                try:
                    # No offset: the platform hands the message out again after the restart.
                    await zalo_bot.deliver_again("aa00000000000000001")
                    await zalo_bot.wait_until_taken()
                    # The poll after the one that took it: that update was dealt with.
                    await zalo_bot.wait_until_polled(zalo_bot.polls + 1)
                finally:
                    await poller.stop()
    dies.bury()

    assert handled == []  # never handled twice
    assert uncertain_count("zalo_bot") == counted + 1
    assert await states(db, zalo_bot_handled_messages) == ["uncertain"]
    written = logs.getvalue()
    assert "zalo_bot: 1 inbound event(s) were being handled when a process stopped" in written
    assert resident.id not in written and "ma túy" not in written and "Lê Thị Dân" not in written


async def test_zalo_bot_a_clean_stop_lets_the_update_in_hand_finish(db, zalo_bot):
    """SIGTERM is not a crash: the long poll stops after the update it is handling, which is
    then done, not uncertain."""
    resident = zalo_bot.user("Lê Thị Dân")
    arrived, release, handled = asyncio.Event(), asyncio.Event(), []

    async def slow(update) -> None:
        arrived.set()
        await release.wait()
        handled.append(update)

    async with httpx.AsyncClient() as http:
        poller = UpdatePoller(ZaloBotApi(http, zalo_bot.base_url, zalo_bot.token),
                              HandledOnce(db, zalo_bot.token, slow, SystemClock()),
                              poll_seconds=1)
        await poller.start()
        await zalo_bot.user_sends_text(resident, TIP)
        await asyncio.wait_for(arrived.wait(), 10)
        stopping = asyncio.ensure_future(poller.stop())
        await asyncio.sleep(0)
        assert not stopping.done()  # waits for the update in hand
        release.set()
        await asyncio.wait_for(stopping, 10)
    assert len(handled) == 1
    assert await states(db, zalo_bot_handled_messages) == ["done"]


# ---- SMS ----------------------------------------------------------------------------------
@pytest.fixture
async def gateway() -> AsyncIterator[FakeSmsGateway]:
    gateway = FakeSmsGateway()
    await gateway.start()
    yield gateway
    await gateway.stop()
    assert not gateway.internal_errors, gateway.internal_errors


@contextlib.asynccontextmanager
async def sms_process(db, gateway: FakeSmsGateway, on_text=None, handled: list | None = None
                      ) -> AsyncIterator[SmsWebhookReceiver]:
    """One process's SMS receiver on the shared database, wired as ``bot.sms_runtime`` wires
    it (``DK``/``HUY`` answered by SMS, each text put in ``handled``), or with ``on_text`` in
    place of the keywords."""
    clock = SystemClock()
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [], clock.now())
    provider = AndroidGatewayProvider(gateway.base_url, gateway.username, gateway.password)
    channel = SmsChannel(provider, ANONYMIZER.open_address, max_segments=1)
    inbound = SmsInbound(SmsSubscribers(db, directory, ANONYMIZER, clock), channel,
                         Translator("vi"), unit_name=lambda code: directory.tree.find(code).name)

    async def keywords(text) -> None:
        if handled is not None:
            handled.append(text)
        await inbound.on_text(text)

    receiver = SmsWebhookReceiver(db=db, signing_key=gateway.signing_key, listen="127.0.0.1",
                                  port=0, path="/sms/webhook", on_text=on_text or keywords,
                                  seal=ANONYMIZER.seal_address, clock=clock)
    await receiver.start()
    gateway.webhooks.clear()
    gateway.add_webhook(receiver.url)
    try:
        yield receiver
    finally:
        await receiver.stop()
        await provider.close()


async def test_sms_a_text_retried_after_a_restart_is_not_handled_twice(db, gateway):
    handled: list = []
    async with sms_process(db, gateway, handled=handled):
        assert await gateway.text_from(NUMBER, "DK TT-TANTHANH", message_id="m-41") == [200]
    assert len(gateway.sms_to(NUMBER)) == 1  # the receipt SMS

    # Answered too late for the phone: after the restart it posts the text again.
    async with sms_process(db, gateway, handled=handled):
        assert await gateway.text_from(NUMBER, "DK TT-TANTHANH", message_id="m-41") == [200]
        assert await gateway.text_from(NUMBER, "HUY", message_id="m-42") == [200]
    assert [text.message_id for text in handled] == ["m-41", "m-42"]
    # No second receipt asked of the phone (each SMS asked for costs money).
    assert gateway.post_attempts == 2
    texts = [sms.text for sms in gateway.sms_to(NUMBER)]
    assert len(texts) == 2 and texts[1].startswith("Da thoi gui"), texts
    async with db.reading() as conn:
        keys = list((await conn.execute(select(sms_seen_messages.c.message_key))).scalars())
    assert len(keys) == 2 and not {"m-41", "m-42"} & set(keys)  # HMACs, never the id itself


async def test_sms_a_text_a_dead_process_was_handling_is_counted_uncertain_not_handled_twice(
        db, gateway):
    dies = DiesWhileHandling()
    counted = uncertain_count("sms")
    async with product_logs(gateway.signing_key) as logs:
        await dies_while_handling(
            sms_process(db, gateway, on_text=dies),
            lambda: gateway.text_from(NUMBER, f"TB {TIP}", message_id="m-7"), dies)
        async with sms_process(db, gateway):  # the next start
            assert await gateway.text_from(NUMBER, f"TB {TIP}", message_id="m-7") == [200]
    dies.bury()

    assert gateway.sms_to(NUMBER) == []  # not handled again: no tip, no receipt
    assert uncertain_count("sms") == counted + 1
    assert await states(db, sms_seen_messages) == ["uncertain"]
    written = logs.getvalue()
    assert "sms: 1 inbound event(s) were being handled when a process stopped" in written
    assert "ma túy" not in written and "0901234567" not in written and NUMBER not in written


async def test_sms_a_text_whose_handling_failed_is_handled_when_the_gateway_retries(db, gateway):
    failed = [False]

    async def fails_once(text) -> None:
        if not failed[0]:
            failed[0] = True
            raise RuntimeError("the database went away")

    async with sms_process(db, gateway, on_text=fails_once):
        first = await gateway.text_from(NUMBER, "DK TT-TANTHANH", message_id="m-9")
    async with sms_process(db, gateway):
        retried = await gateway.text_from(NUMBER, "DK TT-TANTHANH", message_id="m-9")
    assert (first, retried) == ([500], [200])
    assert len(gateway.sms_to(NUMBER)) == 1


async def test_sms_a_text_whose_handling_fails_after_the_stops_grace_is_not_handled_again(
        db, gateway):
    """The bot stops while a text is handled: the stop waits for it (a grace); if it fails after
    the grace (the bot then closed the client its receipt needed, after the tip was filed) its
    claim is kept, uncertain at the next start, and the gateway's retry is not filed twice."""
    arrived = asyncio.Event()
    release: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    handled: list = []

    async def filed_then_client_closed(text) -> None:
        handled.append(text)
        arrived.set()
        await release  # raises what the stop made of the receipt's send

    counted = uncertain_count("sms")
    async with sms_process(db, gateway, on_text=filed_then_client_closed) as receiver:
        request = asyncio.ensure_future(
            gateway.text_from(NUMBER, f"TB {TIP}", message_id="m-stop"))
        await asyncio.wait_for(arrived.wait(), 10)
        await receiver.stop()  # the grace (short here) runs out: the handling is still on
        release.set_exception(RuntimeError("Cannot send a request, as the client has been closed"))
        with contextlib.suppress(BaseException):
            await request
    async with sms_process(db, gateway, handled=handled):  # the next start
        assert await gateway.text_from(NUMBER, f"TB {TIP}", message_id="m-stop") == [200]
    assert [text.message_id for text in handled] == ["m-stop"]  # not handled again
    assert uncertain_count("sms") == counted + 1


async def test_sms_a_text_whose_handling_fails_within_the_stops_grace_is_handled_on_the_retry(
        db, gateway):
    """A failure while the stop still waits for it is an ordinary failure (the database was
    busy, the provider answered 5xx): its claim is released and the gateway's retry handled."""
    arrived = asyncio.Event()
    release: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def fails_while_the_stop_waits(text) -> None:
        arrived.set()
        await release

    handled: list = []
    async with sms_process(db, gateway, on_text=fails_while_the_stop_waits) as receiver:
        request = asyncio.ensure_future(
            gateway.text_from(NUMBER, "DK TT-TANTHANH", message_id="m-grace"))
        await asyncio.wait_for(arrived.wait(), 10)
        stopping = asyncio.ensure_future(receiver.stop())
        await asyncio.sleep(0)  # the stop waits for the handling now
        release.set_exception(RuntimeError("the database went away"))
        await stopping
        with contextlib.suppress(BaseException):
            await request
    async with sms_process(db, gateway, handled=handled):  # the next start
        assert await gateway.text_from(NUMBER, "DK TT-TANTHANH", message_id="m-grace") == [200]
    assert [text.message_id for text in handled] == ["m-grace"]  # handled on the retry
    assert len(gateway.sms_to(NUMBER)) == 1
