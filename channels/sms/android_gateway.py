"""SMS Gateway for Android (github.com/capcom6/android-sms-gateway) as an :class:`SmsProvider`:
the commune's own phone, in local-server mode (``http://<phone>:8080``) or through the cloud
server (``https://api.sms-gate.app/3rdparty/v1``), both with basic auth.

``POST <api_base_url>/message`` with ``{"id": key, "phoneNumbers": [...], "textMessage":
{"text": ...}}`` (``"message": text`` for gateways older than textMessage, ``older_form``); 202
with the message's state. A second message with the same id is refused with 409: the first one
is queued, so that is a success, not a second SMS. ``GET /message/<id>`` gives the state
(``MessageState``: ``state`` one of ``Pending``, ``Processed``, ``Sent``, ``Delivered``,
``Failed``, and per recipient its ``state`` and, when it failed, an ``error``: the app's swagger
``smsgateway.MessageState``/``RecipientState``, and the JS client's ``ProcessState``).

Why a thin httpx client and not the registry's ``android-sms-gateway`` package (client-py,
4.x): that client has async httpx support and takes our id, but it always posts
``textMessage`` (no older form), has no webhook signature helper (the receiver needs one anyway:
``channels.sms.webhook``), and its exceptions hide whether a failed request left the machine,
which decides between "not sent" and "maybe sent" (``channels.sms.http_failures``). Two requests
are all we need; a dependency for them would add more to check than it saves.
"""

from __future__ import annotations

import re

import httpx

from channels.sms.http_failures import server_failure, transport_failure
from channels.sms.provider import SmsReport, SmsState
from core.outbound import Rejected, SendFailure
from org.phone_numbers import PhoneNumber

NAME = "android_gateway"
# The phone answers within a second when it is on the network; a slower answer is waited for,
# because giving up leaves the message "maybe sent".
ANSWER_WAIT = 30.0
_STATES = {state.value: state for state in SmsState}
_DIGITS = re.compile(r"\+?\d[\d .-]{4,}\d")


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
        return (await self.report(message_id)).state

    async def report(self, message_id: str) -> SmsReport:
        try:
            answer = await self._client.get(f"{self._base}/message/{message_id}")
        except httpx.HTTPError as error:
            raise transport_failure(NAME, error) from error
        if answer.status_code == 404:
            return SmsReport(SmsState.UNKNOWN)  # the phone's log was cleared, or never sent
        if answer.status_code != 200:
            raise _refusal(answer)
        body = answer.json()
        state = _STATES.get(str(body.get("state")), SmsState.UNKNOWN)
        errors = [str(r["error"]) for r in body.get("recipients") or []
                  if isinstance(r, dict) and r.get("error")]
        return SmsReport(state, phone_error(errors[0]) if errors else None)


def phone_error(error: str) -> str:
    """The phone's reason, kept short and without anything that could be a number: the
    recipient's number must never reach a store or a log."""
    return _DIGITS.sub("…", error)[:120]


def _refusal(answer: httpx.Response) -> SendFailure:
    status = answer.status_code
    if status >= 500:
        return server_failure(NAME, status)
    if status in (401, 403):
        # Wrong credentials: no message will go until the operator fixes the config.
        return Rejected(f"{NAME}: credentials refused (HTTP {status})")
    # 400: the phone refused the number or the text (the reason never repeats the number).
    return Rejected(f"{NAME}: HTTP {status}")
