"""The Application's rate limiter (``channels.telegram_flood.SharedFloodLimiter``) against the
fake Bot API: a private chat's message takes its short way and still takes a token of the shared
budget, and a 429 is waited out and retried there as PTB's limiter does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from broadcasts.pacing import WindowTokens
from channels.telegram_flood import SharedFloodLimiter
from emulators.telegram import FakeTelegramAPI

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    api = FakeTelegramAPI()
    await api.start()
    yield api
    await api.stop()


def limited_bot(fake: FakeTelegramAPI, budget: WindowTokens, retries: int) -> ExtBot:  # type: ignore[type-arg]
    return ExtBot(fake.token, base_url=fake.base_url,
                  rate_limiter=SharedFloodLimiter(budget, max_retries=retries))


async def test_a_private_message_takes_a_token_of_the_shared_budget(
        fake: FakeTelegramAPI) -> None:
    budget = WindowTokens(2, 60.0)  # tokens come back only after a minute: none during the test
    lan = fake.user("Lan")
    async with limited_bot(fake, budget, 1) as bot:
        await bot.send_message(lan.id, "một")
        await bot.send_message(lan.id, "hai")
    assert budget._free == 0  # both private sends were counted against the overall budget
    assert [m["text"] for m in fake.sent_messages(lan.id)] == ["một", "hai"]


async def test_a_429_to_a_private_chat_is_waited_out_and_retried(
        fake: FakeTelegramAPI) -> None:
    lan = fake.user("Lan")
    fake.inject_error("sendMessage", error_code=429,
                      description="Too Many Requests: retry after 1", retry_after=1)
    async with limited_bot(fake, WindowTokens(30, 1.0), 1) as bot:
        sent = await bot.send_message(lan.id, "biên nhận")
    assert sent.text == "biên nhận"
    assert [m["text"] for m in fake.sent_messages(lan.id)] == ["biên nhận"]


async def test_a_429_past_the_retries_reaches_the_caller(fake: FakeTelegramAPI) -> None:
    lan = fake.user("Lan")
    for _ in range(2):
        fake.inject_error("sendMessage", error_code=429,
                          description="Too Many Requests: retry after 1", retry_after=1)
    async with limited_bot(fake, WindowTokens(30, 1.0), 1) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(lan.id, "biên nhận")
    assert fake.sent_messages(lan.id) == []


async def test_a_call_about_no_chat_takes_no_token_and_is_retried_after_a_429(
        fake: FakeTelegramAPI) -> None:
    budget = WindowTokens(1, 60.0)
    fake.inject_error("getMe", error_code=429, description="Too Many Requests: retry after 1",
                      retry_after=1)
    async with limited_bot(fake, budget, 1) as bot:  # its start calls getMe
        assert (await bot.get_me()).is_bot
    assert budget._free == 1  # not a message: the overall budget is untouched
