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

A message to a private chat (a positive chat id), the bulk of what the Application sends
(receipts, answers, staff notices), takes a shorter way: the shared budget already keeps the
overall 30 a second, and PTB's group pacing does not apply to it, so it skips PTB's own overall
limiter and goes straight to the request, with PTB's handling of a 429 kept (wait, hold every
other request meanwhile, retry up to ``max_retries``). So does a call about no chat (a
button's answer, ``getFile``), which PTB's limiter does not pace either.

One private chat is not paced here (Telegram asks for about a message a second there): answers
follow the person's own messages, notices are spaced by the outbox (SPEC §12), and pacing every
answer made ``tests/e2e/test_hostile_commands.py`` five times slower (56 s to 273 s).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from broadcasts.pacing import OVERALL_PER_SECOND, WindowTokens

# Bot API methods that put a new message into a chat: what the 30-a-second limit counts.
SENDING_ENDPOINTS = frozenset({
    "sendMessage", "sendPhoto", "sendVideo", "sendDocument", "sendVoice", "sendAudio",
    "sendAnimation", "sendVideoNote", "sendSticker", "sendLocation", "sendVenue", "sendContact",
    "sendPoll", "sendDice", "sendMediaGroup", "copyMessage", "copyMessages", "forwardMessage",
    "forwardMessages",
})


log = logging.getLogger(__name__)
Answer = bool | dict[str, Any] | list[dict[str, Any]]


def telegram_flood_budget() -> WindowTokens:
    """The overall budget of one bot token in this process."""
    return WindowTokens(OVERALL_PER_SECOND, 1.0)


class SharedFloodLimiter(AIORateLimiter):
    """PTB's ``AIORateLimiter`` (its per-group pacing and 429 retries), plus a first-in-line
    turn of the bot's shared budget for every message sent."""

    def __init__(self, budget: WindowTokens, *, max_retries: int) -> None:
        super().__init__(max_retries=max_retries)
        self._budget = budget
        self._retries = max_retries

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
            if "chat_id" not in data:  # a button's answer, a file: PTB would pace nothing
                return await self._to_private_chat(callback, args, kwargs,
                                                   rate_limit_args or self._retries)
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        await self._budget.take(first=True)
        try:
            chat_id = data.get("chat_id")
            if type(chat_id) is int and chat_id > 0:
                return await self._to_private_chat(callback, args, kwargs,
                                                   rate_limit_args or self._retries)
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        finally:
            # One window after the answer: the server counted the request before we saw it.
            self._budget.give_back_later()

    async def _to_private_chat(self, callback: Callable[..., Coroutine[Any, Any, Answer]],
                               args: Any, kwargs: dict[str, Any], retries: int) -> Answer:
        """PTB's ``AIORateLimiter.process_request`` for a call it would not pace (a private
        chat's message, counted by the shared budget; a call about no chat), without its
        limiter contexts: a 429 holds every request of the limiter (its ``_retry_after_event``)
        for ``retry_after``, then this one is tried again, at most ``retries`` times."""
        held = self._retry_after_event
        for attempt in range(retries + 1):
            try:
                if not held.is_set():
                    await held.wait()
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("Rate limit hit after maximum of %d retries", retries)
                    raise
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                held.clear()
                await asyncio.sleep(seconds + 0.1)
            finally:
                held.set()
        raise AssertionError("unreachable: the last attempt returns or raises")
