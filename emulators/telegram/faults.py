"""Fault injection and Telegram's flood limits, so tests can provoke every error path.

Injected errors and delays are consumed in the order they were added, per method (and chat, when
given). The rate limiter models the limits Telegram documents for bots: about 30 messages per
second overall, 20 per minute in one group, and about one per second in one private chat (short
bursts tolerated). A paid broadcast (``allow_paid_broadcast``, see ``paid_broadcast``) is
counted in a window of its own, up to 1,000 a second, instead of the 30; the limits of one chat
still apply to it (the Bot API lifts the *broadcasting* limits only). It is off unless asked
for, because most tests do not want flood control.

Sources: the Bots FAQ, "My bot is hitting limits, how do I avoid this?"
(https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): "avoid
sending more than one message per second" in one chat, "not more than 30 messages per second or
so" to many users, "not more than 20 messages per minute to the same group"; the Bot API's
``allow_paid_broadcast`` ("up to 1000 messages per second, ignoring broadcasting limits").
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import ApiError, too_many_requests

# Methods that put a new message into a chat; these are what Telegram's flood limits count.
SENDING_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendVideo", "sendDocument", "sendVoice", "sendAudio",
        "sendAnimation", "sendVideoNote", "sendSticker", "sendLocation", "sendVenue",
        "sendContact", "sendPoll", "sendDice", "sendMediaGroup", "copyMessage", "copyMessages",
        "forwardMessage", "forwardMessages",
    }
)  # fmt: skip

GLOBAL_PER_SECOND = 30
PAID_PER_SECOND = 1000
GROUP_PER_MINUTE = 20
PRIVATE_BURST = 3
PRIVATE_PER_SECOND = 1.0


@dataclass
class InjectedError:
    method: str
    chat_id: int | None
    error: ApiError
    remaining: int


@dataclass
class InjectedDelay:
    method: str
    seconds: float
    remaining: int


@dataclass
class InjectedCut:
    """A call carried out and answered ``200 OK`` with its JSON cut short (see
    ``FakeTelegramAPI.inject_unreadable_answer`` for why a client must be ready for it)."""

    method: str
    chat_id: int | None
    remaining: int


_Injected = TypeVar("_Injected", InjectedError, InjectedCut)


def _take_matching(planned: list[_Injected], method: str,
                   params: dict[str, Any]) -> _Injected | None:
    """The first fault planned for this call (its method, and its chat when it names one), one
    of its ``remaining`` uses spent (dropped when none is left)."""
    for injected in planned:
        if injected.method != method.lower():
            continue
        if injected.chat_id is not None and params.get("chat_id") != injected.chat_id:
            continue
        injected.remaining -= 1
        if injected.remaining <= 0:
            planned.remove(injected)
        return injected
    return None


class FaultPlan:
    """Errors and delays that the next matching calls will suffer."""

    def __init__(self) -> None:
        self.errors: list[InjectedError] = []
        self.delays: list[InjectedDelay] = []
        self.cuts: list[InjectedCut] = []

    def add_cut(self, method: str, chat_id: int | None, times: int) -> None:
        self.cuts.append(InjectedCut(method.lower(), chat_id, times))

    def take_cut(self, method: str, params: dict[str, Any]) -> bool:
        return _take_matching(self.cuts, method, params) is not None

    def add_error(self, method: str, chat_id: int | None, error: ApiError, times: int) -> None:
        self.errors.append(InjectedError(method.lower(), chat_id, error, times))

    def add_delay(self, method: str, seconds: float, times: int) -> None:
        self.delays.append(InjectedDelay(method.lower(), seconds, times))

    def take_error(self, method: str, params: dict[str, Any]) -> ApiError | None:
        injected = _take_matching(self.errors, method, params)
        return injected.error if injected is not None else None

    def take_delay(self, method: str) -> float:
        for injected in self.delays:
            if injected.method == method.lower():
                injected.remaining -= 1
                if injected.remaining <= 0:
                    self.delays.remove(injected)
                return injected.seconds
        return 0.0


class RateLimiter:
    """Sliding windows (overall per second, per group per minute) and a private-chat bucket."""

    def __init__(self, clock: Callable[[], float], *, enabled: bool) -> None:
        self.clock = clock
        self.enabled = enabled
        self.hits = 0
        self._overall: deque[float] = deque()
        self._paid: deque[float] = deque()
        self.most_in_a_second = 0  # the most unpaid sends any sliding second held
        self.most_paid_in_a_second = 0
        self._groups: dict[int, deque[float]] = {}
        self._private: dict[int, tuple[float, float]] = {}  # chat_id -> (tokens, at)

    def check(self, method: str, chat_id: Any, *, paid: bool = False) -> None:
        """Raise 429 if this sending call would exceed a limit; otherwise count it."""
        if not self.enabled or method not in SENDING_METHODS:
            return
        now = self.clock()
        window = self._paid if paid else self._overall
        wait = self._window_wait(window, PAID_PER_SECOND if paid else GLOBAL_PER_SECOND, now)
        if isinstance(chat_id, int) and chat_id < 0:
            wait = max(wait, self._group_wait(chat_id, now))
        elif isinstance(chat_id, int):
            wait = max(wait, self._private_wait(chat_id, now))
        if wait > 0:
            self.hits += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        window.append(now)
        if paid:
            self.most_paid_in_a_second = max(self.most_paid_in_a_second, len(window))
        else:
            self.most_in_a_second = max(self.most_in_a_second, len(window))
        if isinstance(chat_id, int) and chat_id < 0:
            self._groups[chat_id].append(now)
        elif isinstance(chat_id, int):
            tokens, _ = self._private[chat_id]
            self._private[chat_id] = (tokens - 1.0, now)

    @staticmethod
    def _window_wait(window: deque[float], limit: int, now: float) -> float:
        while window and window[0] <= now - 1.0:
            window.popleft()
        return window[0] + 1.0 - now if len(window) >= limit else 0.0

    def _group_wait(self, chat_id: int, now: float) -> float:
        window = self._groups.setdefault(chat_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        return window[0] + 60.0 - now if len(window) >= GROUP_PER_MINUTE else 0.0

    def _private_wait(self, chat_id: int, now: float) -> float:
        tokens, at = self._private.get(chat_id, (float(PRIVATE_BURST), now))
        tokens = min(float(PRIVATE_BURST), tokens + (now - at) * PRIVATE_PER_SECOND)
        self._private[chat_id] = (tokens, now)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / PRIVATE_PER_SECOND
