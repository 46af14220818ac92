"""One bot, one flood budget: the ~30 messages a second Telegram allows a bot overall, shared by
everything the process sends (Bots FAQ, "My bot is hitting limits":
https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).

The bot sends through two PTB Bots: the Application's (answers to residents and staff, notices)
and the delivery engine's (bulletin and alert copies to groups, ``channels.telegram_delivery``).
Each paced itself at 30 a second, so while a province's alert went out at 30 a second, a
resident's receipt made the 31st message of that second: Telegram (and the emulator) answered
429, and PTB's limiter waited the ``retry_after`` (1 s or more) before the receipt went.

Here both take their turn from one :class:`broadcasts.pacing.WindowTokens`: the engine's
Telegram pacer uses it as its overall window, and :class:`SharedFloodLimiter` (the Application's
rate limiter) takes a token for every message it sends, *first in line*: an answer waits for the
next token to come back (1/30 s on average while a broadcast runs), never behind the broadcast's
queue, and the two together never put more than 30 messages in any second. Paid broadcasts
(``allow_paid_broadcast``) are outside this budget.

It also keeps one private chat to about a message a second ("avoid sending more than one message
per second. We may allow short bursts that go over this limit, but eventually you'll begin
receiving 429 errors"): a bucket of 3 refilled at 1 a second, the emulator's model. PTB's
limiter does not pace private chats, and the officer who gets a tip's notice right after the
alert's answer met that 429 (then a wait of a second or more) in ``bench/broadcast_province.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

from broadcasts.pacing import OVERALL_PER_SECOND, WindowTokens

# Bot API methods that put a new message into a chat: what the 30-a-second limit counts.
SENDING_ENDPOINTS = frozenset({
    "sendMessage", "sendPhoto", "sendVideo", "sendDocument", "sendVoice", "sendAudio",
    "sendAnimation", "sendVideoNote", "sendSticker", "sendLocation", "sendVenue", "sendContact",
    "sendPoll", "sendDice", "sendMediaGroup", "copyMessage", "copyMessages", "forwardMessage",
    "forwardMessages",
})


PRIVATE_BURST = 3
PRIVATE_PER_SECOND = 1.0


class PrivateChatPace:
    """A token bucket per private chat; a send reserves its place, then waits for it."""

    def __init__(self, burst: int = PRIVATE_BURST, per_second: float = PRIVATE_PER_SECOND) -> None:
        self._burst = float(burst)
        self._rate = per_second
        self._buckets: dict[int, tuple[float, float]] = {}  # chat id -> (tokens, at)

    async def turn(self, chat_id: int) -> None:
        now = asyncio.get_running_loop().time()
        tokens, at = self._buckets.get(chat_id, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate) - 1.0
        self._buckets[chat_id] = (tokens, now)  # may go below 0: the next in line waits more
        if len(self._buckets) > 4096:  # bounded: a full bucket is the same as no entry
            self._buckets = {k: v for k, v in self._buckets.items()
                             if v[0] + (now - v[1]) * self._rate < self._burst}
        if tokens < 0:
            await asyncio.sleep(-tokens / self._rate)


def telegram_flood_budget() -> WindowTokens:
    """The overall budget of one bot token in this process."""
    return WindowTokens(OVERALL_PER_SECOND, 1.0)


class SharedFloodLimiter(AIORateLimiter):
    """PTB's ``AIORateLimiter`` (its per-group pacing and 429 retries), plus a first-in-line
    turn of the bot's shared budget for every message sent."""

    def __init__(self, budget: WindowTokens, *, max_retries: int) -> None:
        super().__init__(max_retries=max_retries)
        self._budget = budget
        self._private = PrivateChatPace()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint not in SENDING_ENDPOINTS or data.get("allow_paid_broadcast"):
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and chat_id > 0:
            await self._private.turn(chat_id)
        await self._budget.take(first=True)
        try:
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        finally:
            # One window after the answer: the server counted the request before we saw it.
            self._budget.give_back_later()
