"""The Zalo OA Open API v3 over httpx: where each call goes, and what its answer means.

Every answer is HTTP 200 with a JSON envelope; ``error`` 0 is success, a negative ``error`` a
refusal with Zalo's ``message`` (:class:`ZaloApiError`). What is not an envelope (a refused
connection, a timeout, a 5xx or an HTML page from the web server in front of the API) is a
:class:`ZaloTransportError` that says whether the request may have reached Zalo.

The paths live here and nowhere else. Group messages (GMF) go to ``POST /v3.0/oa/group/message``
with ``recipient.group_id``: that is what Zalo's GMF documentation gives for text messages
(developers.zalo.me/docs/official-account/nhom-chat-gmf/tin-nhan/text_message) and what Zalo's own
PHP SDK builds (``MessageBuilder::withGroupId`` → ``{"recipient": {"group_id": …}}``). The other
form seen in public sources, ``POST /v3.0/oa/message`` with ``recipient.conversation_id``, is the
reply to an *anonymous* user (``anonymous_send_text``: the PHP SDK's
``withAnonymousConversation(anonymous_id, conversation_id)``), not a group. The README's Zalo
section has the whole argument.

A person who writes without following the OA (``anonymous_send_*`` events) has no ``user_id``:
the event's ``sender.id`` is their anonymous id and ``message.conversation_id`` names the
conversation (Zalo's webhook documentation, developers.zalo.me/docs/official-account/webhook,
"Người dùng ẩn danh gửi tin": "dùng ``conversation_id`` thay vì user thường … Body có thêm
``message.conversation_id``", as summarised in public integration notes). The OA answers them
with the same consultation message, its recipient being ``{"anonymous_id", "conversation_id"}``:
what Zalo's PHP SDK builds (``MessageBuilder::withAnonymousConversation($anonymousId,
$conversationId)``) for ``POST /v3.0/oa/message/cs`` (``ANONYMOUS_RECIPIENT_KEYS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from channels.http_transport import UnansweredRequest, json_answer, unanswered

CONSULTATION_MESSAGE = "/v3.0/oa/message/cs"
GROUP_MESSAGE = "/v3.0/oa/group/message"
GROUP_RECIPIENT_KEY = "group_id"
GROUPS_OF_OA = "/v3.0/oa/group/getgroupsofoa"
GROUP_INFO = "/v3.0/oa/group/getgroup"
ANONYMOUS_RECIPIENT_KEYS = ("anonymous_id", "conversation_id")

# Zalo's codes for an access token it no longer takes: renew it and ask again, once.
ACCESS_TOKEN_INVALID = -216
ACCESS_TOKEN_EXPIRED = -220
_TOKEN_REFUSALS = (ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED)


@dataclass(frozen=True)
class ZaloApiError(Exception):
    """Zalo refused the request: nothing was done."""

    code: int
    message: str

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"


class ZaloTransportError(UnansweredRequest):
    """No envelope came back from Zalo (:class:`channels.http_transport.UnansweredRequest`)."""


class AccessTokens(Protocol):
    async def access_token(self) -> str: ...

    async def renew(self, refused: str) -> str: ...


def envelope_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON envelope, or the transport error an answer that is not one means."""
    body = json_answer(response, ZaloTransportError)
    if not isinstance(body, dict):
        raise ZaloTransportError("not a JSON object", may_have_arrived=False)
    return body


class ZaloApi:
    def __init__(self, http: httpx.AsyncClient, api_base_url: str, tokens: AccessTokens) -> None:
        self._http = http
        self._base = api_base_url.rstrip("/")
        self._tokens = tokens

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return _object(await self._call("POST", path, json=body))

    async def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return _object(await self._call("GET", path, params=params))

    async def upload(self, path: str, files: dict[str, tuple[str, bytes, str]]) -> Any:
        """A multipart upload (``files`` as httpx takes them); the envelope's ``data`` as it
        came, an object or not (sources disagree on its shape: ``uploads``).

        An upload that may have arrived is only an unused id on Zalo's side: asking again is
        harmless, so every transport failure counts as "never left" (``may_have_arrived``
        False) and the caller may simply ask again."""
        return await self._call("POST", path, harmless_to_repeat=True, files=files)

    async def _call(self, method: str, path: str, *, harmless_to_repeat: bool = False,
                    **content: Any) -> Any:
        token = await self._tokens.access_token()
        try:
            return await self._once(method, path, token, harmless_to_repeat, content)
        except ZaloApiError as error:
            if error.code not in _TOKEN_REFUSALS:
                raise
        # A refused token did nothing: asking again with a renewed one cannot duplicate.
        return await self._once(method, path, await self._tokens.renew(token),
                                harmless_to_repeat, content)

    async def _once(self, method: str, path: str, token: str, harmless_to_repeat: bool,
                    content: dict[str, Any]) -> Any:
        try:
            response = await self._http.request(method, self._base + path,
                                                headers={"access_token": token}, **content)
        except httpx.TransportError as error:
            if harmless_to_repeat:
                raise ZaloTransportError(f"{path}: {type(error).__name__}",
                                         may_have_arrived=False) from error
            raise unanswered(error, ZaloTransportError, quote_error=True) from error
        body = envelope_of(response)
        code = body.get("error", 0)
        if not isinstance(code, int) or code != 0:
            raise ZaloApiError(code if isinstance(code, int) else -1,
                               str(body.get("message", "")))
        return body.get("data")


def _object(data: Any) -> dict[str, Any]:
    """A message or group call's ``data``: an object, or nothing worth reading."""
    return data if isinstance(data, dict) else {}
