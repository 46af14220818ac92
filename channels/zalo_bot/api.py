"""The Zalo Bot Platform's Bot API over httpx: ``POST <api_base_url>/bot<TOKEN>/<method>`` with a
JSON body, answered ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": n,
"description": …}`` (:class:`BotApiError`). What is not an envelope (a refused connection, a
timeout, a 5xx, an HTML page from the web server in front of the API) is a
:class:`BotTransportError` that says whether the request may have reached the platform.

The token is part of every URL: no URL, and no httpx exception text (which can quote the URL),
ever leaves this module; errors carry the exception's type and the platform's description only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from channels.http_transport import UnansweredRequest, json_answer, unanswered

GET_ME = "getMe"
GET_UPDATES = "getUpdates"
SET_WEBHOOK = "setWebhook"
DELETE_WEBHOOK = "deleteWebhook"
GET_WEBHOOK_INFO = "getWebhookInfo"
SEND_MESSAGE = "sendMessage"
SEND_CHAT_ACTION = "sendChatAction"

# A long poll that ended without an update is refused with this code ("Request timeout").
POLL_ENDED_EMPTY = 408


@dataclass(frozen=True)
class BotApiError(Exception):
    """The platform refused the request: nothing was done."""

    code: int
    description: str

    def __str__(self) -> str:
        return f"{self.description} ({self.code})"


class BotTransportError(UnansweredRequest):
    """No envelope came back from the platform
    (:class:`channels.http_transport.UnansweredRequest`)."""


class ZaloBotApi:
    def __init__(self, http: httpx.AsyncClient, api_base_url: str, token: str) -> None:
        self._http = http
        self._base = api_base_url.rstrip("/")
        self._token = token

    async def call(self, method: str, body: dict[str, Any] | None = None, *,
                   read_seconds: float | None = None) -> Any:
        """The ``result`` of ``method``; ``read_seconds`` overrides the client's read timeout
        (a long poll waits longer than a send)."""
        options: dict[str, Any] = {}
        if read_seconds is not None:
            options["timeout"] = httpx.Timeout(read_seconds, connect=min(read_seconds, 10.0))
        try:
            response = await self._http.post(f"{self._base}/bot{self._token}/{method}",
                                             json=body or {}, **options)
        except httpx.TransportError as error:
            raise unanswered(error, BotTransportError, quote_error=False) from None
        envelope = _envelope(response)
        if envelope.get("ok") is True:
            return envelope.get("result")
        code = envelope.get("error_code")
        raise BotApiError(code if isinstance(code, int) else response.status_code,
                          str(envelope.get("description") or ""))

    async def get_me(self) -> dict[str, Any]:
        result = await self.call(GET_ME)
        return result if isinstance(result, dict) else {}


def _envelope(response: httpx.Response) -> dict[str, Any]:
    body = json_answer(response, BotTransportError)
    if not isinstance(body, dict) or "ok" not in body:
        raise BotTransportError(f"HTTP {response.status_code}: not an envelope",
                                may_have_arrived=False)
    return body
