"""What the process last heard from the Bot API: ``ok``, ``failing`` or ``unknown`` (nothing
asked yet), for ``/healthz``.

Recorded by ``ops.request`` on every request of the Application and of the delivery bot, so the
state is that of the last getMe, getUpdates or send, whichever came last. An answer about one
chat (400 chat not found, 403 blocked, 429 slow down) still shows Telegram answering: ``ok``.
No answer, a 5xx, a rejected token (401, 404) or a second poller (409) is ``failing``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

TelegramHealth = Literal["ok", "failing", "unknown"]
# The Bot API's answers that mean the bot cannot work, whatever the chat.
FAILING_STATUSES = frozenset({401, 404, 409})


def answer_is_failing(status: int) -> bool:
    return status >= 500 or status in FAILING_STATUSES


@dataclass
class TelegramState:
    state: TelegramHealth = "unknown"
    method: str = ""
    at_monotonic: float = 0.0

    def record(self, method: str, *, ok: bool) -> None:
        self.state = "ok" if ok else "failing"
        self.method = method
        self.at_monotonic = time.monotonic()


TELEGRAM_STATE = TelegramState()
