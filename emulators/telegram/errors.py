"""Bot API errors as the fake raises them internally.

Every failure a method can produce is an :class:`ApiError`; the HTTP layer turns it into the
exact JSON shape Telegram uses (``ok``/``error_code``/``description``/``parameters``), so the
real python-telegram-bot client maps it to the same exception it would raise in production.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """A Bot API error reply: HTTP status = ``error_code``.

    ``page``, when given, is answered instead of the JSON body, as ``text/html``: what the web
    server in front of the Bot API sends when the API behind it is down (:func:`gateway_error`).
    """

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None,
        *, page: bytes | None = None,
    ) -> None:  # fmt: skip
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters
        self.page = page

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


def gateway_error(status: int, *, html: bool) -> ApiError:
    """A 5xx: the request was refused before the Bot API acted on it.

    The Bot API documents only the JSON error shape ("In case of an unsuccessful request, 'ok'
    equals false and the error is explained in the 'description'. An Integer 'error_code'
    field is also returned", https://core.telegram.org/bots/api#making-requests), and answers
    its own 5xx that way (``{"ok":false,"error_code":502,"description":"Bad Gateway"}``). When
    the API server itself is unreachable, the nginx in front of it answers with an HTML page
    instead (reported by bot authors, e.g. nickoala/telepot#31, php-telegram-bot/core#353):
    ``html=True`` gives that page, which clients cannot parse as JSON.
    """
    phrase = HTTPStatus(status).phrase
    page = None
    if html:
        page = (f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
                f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
                "</body>\r\n</html>\r\n").encode("ascii")
    return ApiError(status, phrase, page=page)
