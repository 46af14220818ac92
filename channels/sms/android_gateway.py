"""SMS Gateway for Android (github.com/capcom6/android-sms-gateway) as an :class:`SmsProvider`:
the commune's own phone, in local-server mode (``http://<phone>:8080``) or through the cloud
server (``https://api.sms-gate.app/3rdparty/v1``), both with basic auth.

``POST <api_base_url>/message`` with ``{"id": key, "phoneNumbers": [...], "textMessage":
{"text": ...}}`` (``"message": text`` for gateways older than textMessage, ``older_form``); 202
with the message's state. A second message with the same id is refused with 409: the first one
is queued, so that is a success, not a second SMS. ``GET /message/<id>`` gives the state.

Why a thin httpx client and not the registry's ``android-sms-gateway`` package (client-py,
4.x): that client has async httpx support and takes our id, but it always posts
``textMessage`` (no older form), has no webhook signature helper (the receiver needs one anyway:
``channels.sms.webhook``), and its exceptions hide whether a failed request left the machine,
which decides between "not sent" and "maybe sent" (``channels.sms.http_failures``). Two requests
are all we need; a dependency for them would add more to check than it saves.
"""

from __future__ import annotations

import httpx

from channels.sms.http_failures import server_failure, transport_failure
from channels.sms.provider import SmsState
from core.outbound import Rejected, SendFailure
from org.phone_numbers import PhoneNumber

NAME = "android_gateway"
# The phone answers within a second when it is on the network; a slower answer is waited for,
# because giving up leaves the message "maybe sent".
ANSWER_WAIT = 30.0
_STATES = {state.value: state for state in SmsState}


class AndroidGatewayProvider:
    two_way = True

    def __init__(self, api_base_url: str, username: str, password: str, *,
                 older_form: bool = False, timeout: float = ANSWER_WAIT) -> None:
        self._base = api_base_url.rstrip("/")
        self._older_form = older_form
        self._client = httpx.AsyncClient(auth=httpx.BasicAuth(username, password),
                                         timeout=httpx.Timeout(timeout, connect=10.0))

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, phone: PhoneNumber, text: str, key: str) -> str:
        body: dict[str, object] = {"id": key, "phoneNumbers": [phone.e164]}
        if self._older_form:
            body["message"] = text
        else:
            body["textMessage"] = {"text": text}
        try:
            answer = await self._client.post(f"{self._base}/message", json=body)
        except httpx.HTTPError as error:
            raise transport_failure(NAME, error) from error
        if answer.status_code in (200, 201, 202):
            return str(answer.json().get("id", key))
        if answer.status_code == 409:
            return key  # queued by an earlier request with this id: never a second SMS
        raise _refusal(answer)

    async def state(self, message_id: str) -> SmsState:
        try:
            answer = await self._client.get(f"{self._base}/message/{message_id}")
        except httpx.HTTPError as error:
            raise transport_failure(NAME, error) from error
        if answer.status_code == 404:
            return SmsState.UNKNOWN
        if answer.status_code != 200:
            raise _refusal(answer)
        return _STATES.get(str(answer.json().get("state")), SmsState.UNKNOWN)


def _refusal(answer: httpx.Response) -> SendFailure:
    status = answer.status_code
    if status >= 500:
        return server_failure(NAME, status)
    if status in (401, 403):
        # Wrong credentials: no message will go until the operator fixes the config.
        return Rejected(f"{NAME}: credentials refused (HTTP {status})")
    # 400: the phone refused the number or the text (the reason never repeats the number).
    return Rejected(f"{NAME}: HTTP {status}")
