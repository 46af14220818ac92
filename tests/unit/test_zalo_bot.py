"""The Zalo Bot channel's parts, each on its own: an update read from either envelope, the
platform's refusals as the core's outcomes, the API client's errors (never the token), and each
message handled once (``channels.zalo_bot``)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import httpx
import pytest

from channels.inbound_once import Outcome
from channels.typed_chat.conversation import Said
from channels.zalo_bot.addresses import chat_address
from channels.zalo_bot.api import BotApiError, BotTransportError, ZaloBotApi
from channels.zalo_bot.channel import ZaloBotChannel
from channels.zalo_bot.failures import RATE_LIMIT_WAIT, classify
from channels.zalo_bot.handled import HandledOnce
from channels.zalo_bot.updates import BotUpdate, UpdateKind, update_of
from core.clock import ManualClock
from core.outbound import (
    ChatUnavailable,
    MaybeDelivered,
    Media,
    MediaKind,
    OutboundMessage,
    Rejected,
    RetryLater,
    TransientFailure,
)

MESSAGE = {"from": {"id": "e4ea2cd5189df1c3a88c", "display_name": "Nguyễn Văn A"},
           "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
           "message_id": "16f6366b3f02645a3d15", "date": 1766619597466, "text": "báo tin"}
UPDATE = {"event_name": "message.text.received", "message": MESSAGE}
TOKEN = "1459232241454765289:unit-test-token"
START = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("payload", [UPDATE, {"ok": True, "result": UPDATE}])
def test_an_update_is_read_wrapped_or_bare(payload):
    update = update_of(payload)
    assert update == BotUpdate(UpdateKind.TEXT, "message.text.received", "16f6366b3f02645a3d15",
                               chat_address("e4ea2cd5189df1c3a88c"), True, "báo tin")


def test_the_chat_and_words_are_kept_out_of_every_repr():
    update = update_of(UPDATE)
    shown = repr(update) + repr(Said(text="báo tin", location=(10.4, 105.6)))
    assert "e4ea2cd5" not in shown and "báo tin" not in shown and "10.4" not in shown


def test_images_groups_and_what_names_no_chat():
    image = update_of({"event_name": "message.image.received",
                       "message": {**MESSAGE, "text": "chú thích", "photo": "https://x/1.jpg"}})
    assert image is not None and image.kind is UpdateKind.IMAGE and image.text == ""
    group = update_of({**UPDATE, "message": {**MESSAGE, "chat": {"id": "g1",
                                                                 "chat_type": "GROUP"}}})
    assert group is not None and not group.private
    assert update_of({**UPDATE, "message": {**MESSAGE, "message_id": ""}}) is None
    assert update_of({**UPDATE, "message": {**MESSAGE, "chat": {"id": "có dấu cách"}}}) is None
    assert update_of({"ok": True, "result": []}) is None
    assert update_of([]) is None


@pytest.mark.parametrize(("error", "outcome"), [
    (BotApiError(429, "Too Many Requests"), RetryLater),
    (BotApiError(403, "Forbidden: the user has blocked the bot"), ChatUnavailable),
    (BotApiError(400, "Bad Request: chat not found"), ChatUnavailable),
    (BotApiError(400, "Bad Request: text must be 1 to 2000 characters"), Rejected),
    (BotApiError(401, "Unauthorized"), Rejected),
    (BotApiError(502, "Bad Gateway"), TransientFailure),
    (BotTransportError("ReadTimeout", may_have_arrived=True), MaybeDelivered),
    (BotTransportError("ConnectError", may_have_arrived=False), TransientFailure),
])
def test_refusals_as_the_cores_outcomes(error, outcome):
    failure = classify(error)
    assert type(failure) is outcome
    if outcome is RetryLater:
        assert failure.seconds == RATE_LIMIT_WAIT


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_failed_call_never_carries_the_token_or_the_url():
    async with httpx.AsyncClient() as http:
        api = ZaloBotApi(http, f"http://127.0.0.1:{_closed_port()}", TOKEN)
        with pytest.raises(BotTransportError) as failed:
            await api.call("getMe")
    assert not failed.value.may_have_arrived
    assert failed.value.__cause__ is None and failed.value.__context__ is not None
    assert "unit-test-token" not in str(failed.value) and "127.0.0.1" not in str(failed.value)


async def test_media_is_refused_with_the_reason_before_anything_is_sent():
    async with httpx.AsyncClient() as http:
        channel = ZaloBotChannel(ZaloBotApi(http, f"http://127.0.0.1:{_closed_port()}", TOKEN))
        with pytest.raises(Rejected) as refused:
            await channel.send(chat_address("e4ea2cd5189df1c3a88c"),
                               OutboundMessage("ảnh", media=Media(MediaKind.PHOTO, "f1")))
    assert "photo" in refused.value.reason


async def test_each_message_is_handled_once_and_again_after_a_failure(db):
    handled: list[str] = []
    fail = [True]

    async def on_update(update: BotUpdate) -> None:
        if fail[0]:
            fail[0] = False
            raise RuntimeError("the database went away")
        handled.append(update.message_id)

    once = HandledOnce(db, TOKEN, on_update, ManualClock(START))
    update = update_of(UPDATE)
    assert update is not None
    with pytest.raises(RuntimeError):
        await once.handle(update)  # failed: released, so the next delivery is handled
    assert await once.handle(update) is Outcome.HANDLED
    assert await once.handle(update) is Outcome.REPEATED
    # A restart: a new keeper on the same database still knows the message.
    assert await HandledOnce(db, TOKEN, on_update, ManualClock(START)).handle(
        update) is Outcome.REPEATED
    assert handled == ["16f6366b3f02645a3d15"]
    assert once.key_of("16f6366b3f02645a3d15") != "16f6366b3f02645a3d15"


def test_the_token_and_the_webhook_secret_are_kept_out_of_logs(write_config):
    from bot.config import load_config
    from bot.zalo_bot_runtime import zalo_bot_secrets

    environ = {"BOT_TOKEN": "123:abc", "ZALO_BOT_TOKEN": TOKEN,
               "ZALO_BOT_WEBHOOK_SECRET": "a-webhook-secret-token"}
    with_bot = load_config(write_config('[zalo_bot]\nmode = "webhook"\n'), environ)
    assert zalo_bot_secrets(with_bot, environ) == [TOKEN, "a-webhook-secret-token"]
    assert zalo_bot_secrets(load_config(write_config(), environ), environ) == []


async def test_the_long_poll_goes_on_after_an_empty_poll_and_a_refusal(db):
    from channels.zalo_bot.polling import UpdatePoller
    from emulators.zalo_bot import FakeZaloBot

    zalo = FakeZaloBot()
    await zalo.start()
    seen: list[BotUpdate] = []

    async def on_update(update: BotUpdate) -> None:
        seen.append(update)

    async with httpx.AsyncClient() as http:
        poller = UpdatePoller(ZaloBotApi(http, zalo.base_url, zalo.token),
                              HandledOnce(db, zalo.token, on_update, ManualClock(START)),
                              poll_seconds=1)
        zalo.webhook_url = "https://left.over/hook"  # deleted at start: polls would be refused
        zalo.inject_server_error("getUpdates", status=502, html=True)
        await poller.start()
        try:
            assert zalo.webhook_url is None
            await zalo.wait_until_polled(2)  # refused, then one that ended empty (1 s), then…
            await zalo.user_sends_text(zalo.user("Lê Thị Chờ"), "báo tin")
            await zalo.wait_until_taken()
            # …the poll that took it: the update is handled before the next poll begins.
            await zalo.wait_until_polled(zalo.polls + 1)
        finally:
            await poller.stop()
            await zalo.stop()
    assert [update.text for update in seen] == ["báo tin"]
    assert not zalo.internal_errors
