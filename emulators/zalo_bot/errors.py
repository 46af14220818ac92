"""The Zalo Bot API's refusals: ``{"ok": false, "error_code": <n>, "description": …}``, the
envelope of the Telegram Bot API that the Zalo Bot Platform copies. Zalo publishes no table of
codes; the ones here are those seen in public client code (401 for a bad token, 408 "Request
timeout" for a long poll that ended empty) and, for the rest, Telegram's codes with Telegram's
wording, which the platform's clients expect (400 bad request, 403 blocked, 409 webhook set,
429 too many requests). The HTTP status is the code, as on Telegram."""

from __future__ import annotations

import json
from dataclasses import dataclass

from emulators.http_emulator import Refusal
from emulators.telegram.http import HttpResponse

UNAUTHORIZED = 401
REQUEST_TIMEOUT = 408
BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
CONFLICT = 409
TOO_MANY_REQUESTS = 429


@dataclass(frozen=True)
class BotApiError(Refusal):
    code: int
    description: str

    def answer(self) -> HttpResponse:
        """The envelope, with the code as the HTTP status (as on Telegram)."""
        return HttpResponse(self.code, self.body())

    def body(self) -> bytes:
        return json.dumps({"ok": False, "error_code": self.code,
                           "description": self.description}).encode()


def chat_not_found() -> BotApiError:
    return BotApiError(BAD_REQUEST, "Bad Request: chat not found")


def blocked() -> BotApiError:
    return BotApiError(FORBIDDEN, "Forbidden: the user has blocked the bot")
