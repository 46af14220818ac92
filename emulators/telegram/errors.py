"""Bot API errors as the fake raises them internally.

Every failure a method can produce is an :class:`ApiError`; the HTTP layer turns it into the
exact JSON shape Telegram uses (``ok``/``error_code``/``description``/``parameters``), so the
real python-telegram-bot client maps it to the same exception it would raise in production.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error reply: HTTP status = ``error_code``."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_reply(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        reply: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            reply["parameters"] = dict(self.parameters)
        return reply


def bad_request(reason: str) -> ApiError:
    """400 with Telegram's ``Bad Request:`` prefix (PTB strips it in ``BadRequest.message``)."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """403 with Telegram's ``Forbidden:`` prefix."""
    return ApiError(403, f"Forbidden: {reason}")


def chat_not_found() -> ApiError:
    """The reply to any unknown chat id or ``@username``."""
    return bad_request("chat not found")


def too_many_requests(retry_after: int) -> ApiError:
    """429 flood-control reply; PTB turns ``parameters.retry_after`` into ``RetryAfter``."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )
