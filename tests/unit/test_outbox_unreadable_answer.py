"""A staff notice's ``sendMessage`` answered ``200 OK`` with a body that cannot be read: the
Bot API acted on it, so the outbox's channel (``channels.telegram.TelegramChannel``, wired as
``bot.app`` wires it) says it may have arrived - tried again, as notices are (at least once) -
and never "refused", which would drop the notice or tell an officer a question did not reach
the tipster while it did. Against the Telegram emulator over real HTTP."""

from __future__ import annotations

import pytest
from telegram.ext import AIORateLimiter, ExtBot

from bot.app import FLOOD_RETRIES
from channels.lean_request import LeanRequest
from channels.telegram import TelegramChannel
from channels.telegram_addresses import address_of_chat
from core.outbound import MaybeDelivered, OutboundMessage
from emulators.telegram import FakeTelegramAPI


async def test_a_notice_answered_200_without_readable_json_may_have_arrived() -> None:
    fake = FakeTelegramAPI()
    await fake.start()
    bot = ExtBot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url,
                 request=LeanRequest(read_timeout=5.0),
                 rate_limiter=AIORateLimiter(max_retries=FLOOD_RETRIES))
    await bot.initialize()
    try:
        officer = fake.user("Cán bộ")
        channel = TelegramChannel(bot, fake.bot_username)
        fake.inject_unreadable_answer("sendMessage", chat_id=officer.id)
        with pytest.raises(MaybeDelivered):
            await channel.send(address_of_chat(officer.id), OutboundMessage("TIP-7K3M9Q: tin mới"))
        assert [m["text"] for m in fake.sent_messages(officer.id)] == ["TIP-7K3M9Q: tin mới"]
        # The next answer is whole again: the notice's retry gets its message id.
        assert await channel.send(address_of_chat(officer.id), OutboundMessage("lần nữa")) > 0
    finally:
        await bot.shutdown()
        await fake.stop()
