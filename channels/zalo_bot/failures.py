"""The Zalo Bot API's refusals as the few outcomes the core tells apart (``core.outbound``; SPEC
§12: rate refusals wait and retry, others fail the row with the reason). Only the Bot API's own
codes are here: no answer at all means the same on every platform (``channels.http_transport``).

Zalo publishes no table of error codes for the Bot API; its envelope is Telegram's, and so are
the codes public clients meet (401 bad token, 408 empty poll). Read as on Telegram: 429 too many
requests (Zalo names no wait: a minute), 403 the person blocked the bot or left, 400 "chat not
found" an address no chat has; any other 4xx is a refusal of the message itself. A 401 means the
token is wrong: every send fails the same way until an admin fixes it, so it is a plain refusal
with the reason, never a retry loop.
"""

from __future__ import annotations

from channels.zalo_bot.api import BotApiError, BotTransportError
from core.outbound import (
    ChatUnavailable,
    Rejected,
    RetryLater,
    SendFailure,
    TransientFailure,
)

BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
TOO_MANY_REQUESTS = 429
RATE_LIMIT_WAIT = 60.0  # seconds
_NO_SUCH_CHAT = ("chat not found", "chat_id")


def classify(error: BotApiError | BotTransportError) -> SendFailure:
    if isinstance(error, BotTransportError):
        return error.send_failure()
    reason = str(error)
    if error.code == TOO_MANY_REQUESTS:
        return RetryLater(reason, RATE_LIMIT_WAIT)
    if error.code >= 500:
        return TransientFailure(reason)
    if error.code == FORBIDDEN:
        return ChatUnavailable(reason)
    if error.code in (BAD_REQUEST, NOT_FOUND) and any(
            words in error.description.casefold() for words in _NO_SUCH_CHAT):
        return ChatUnavailable(reason)
    return Rejected(reason)
