"""An emulator of SMS Gateway for Android's local server (the phone a commune owns), over real
HTTP on 127.0.0.1, for the end-to-end tests and the shell.

Built from the app's own source (github.com/capcom6/android-sms-gateway, Apache-2.0):
* ``modules/localserver/WebService.kt``: basic auth in front of every route; ``/message`` and
  ``/messages`` are the same routes (``MessagesRoutes``), as are ``/webhook`` and ``/webhooks``;
* ``modules/localserver/routes/MessagesRoutes.kt``: ``POST`` takes ``phoneNumbers`` and one of
  ``message`` (the older form), ``textMessage.text`` or ``dataMessage``, and an optional ``id``;
  it answers ``202 Accepted`` with the message's state, or ``409 Conflict`` with
  ``{"message": "Message with the same ID already exists"}`` (``ConflictException``) when the id
  was seen before: no second SMS. ``GET /message/{id}`` answers the state, or 404;
* ``assets/api/swagger.json`` (``smsgateway.MessageState``, ``RecipientState``,
  ``ProcessingState``): states ``Pending``, ``Processed``, ``Sent``, ``Delivered``, ``Failed``;
* ``modules/webhooks/plugins/PayloadSingingPlugin.kt``: a webhook is signed with
  ``X-Signature`` = hex HMAC-SHA256 (the signing key) of the raw body followed by
  ``X-Timestamp`` (Unix seconds), sent as ``X-Timestamp``;
* ``modules/webhooks/payload/SmsEventPayload.kt`` and ``domain/WebHookEventDTO.kt``: the body
  ``{"id", "webhookId", "event": "sms:received", "deviceId", "payload": {"messageId",
  "message", "sender", "recipient", "simNumber", "phoneNumber", "receivedAt"}}``.
The Python client (github.com/android-sms-gateway/client-py, ``domain.py``, ``enums.py``)
names the same fields and states.

The phone's side is driven by the test: :meth:`FakeSmsGateway.advance` moves queued messages on
(Pending → Processed → Sent → Delivered, or Failed for a number marked unreachable), and
:meth:`FakeSmsGateway.text_from` makes a person text the phone, which posts ``sms:received`` to
every registered webhook. Faults: a 5xx before anything happens, an answer after the client has
given up (the message is queued all the same), refused credentials.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from emulators.http_emulator import HttpEmulator
from emulators.sms.segments import encoding_of, segments_of
from emulators.telegram.http import HttpRequest, HttpResponse

PENDING, PROCESSED, SENT, DELIVERED, FAILED = (
    "Pending", "Processed", "Sent", "Delivered", "Failed")
_NEXT = {PENDING: PROCESSED, PROCESSED: SENT, SENT: DELIVERED}
_ROUTES = ("/message", "/messages")
_WEBHOOK_ROUTES = ("/webhook", "/webhooks")


@dataclass
class QueuedSms:
    """One message the phone accepted: its text, recipients and their states."""

    id: str
    text: str
    phone_numbers: list[str]
    states: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    segments: int = 1
    encoding: str = "GSM-7"
    with_older_form: bool = False  # posted as {"message": …}

    def state(self) -> str:
        values = set(self.states.values())
        if FAILED in values:
            return FAILED
        for state in (PENDING, PROCESSED, SENT):
            if state in values:
                return state
        return DELIVERED


@dataclass
class WebhookCall:
    """What the phone posted to a webhook, and what the bot answered."""

    url: str
    body: bytes
    headers: dict[str, str]
    status: int


class FakeSmsGateway(HttpEmulator):
    def __init__(self, *, username: str = "sms", password: str = "gateway-password",
                 signing_key: str = "emulated-signing-key-0123456789") -> None:
        super().__init__()
        self.username = username
        self.password = password
        self.signing_key = signing_key
        self.device_id = "emu" + secrets.token_hex(9)
        self.messages: dict[str, QueuedSms] = {}
        self.post_attempts = 0  # every POST to /message, whatever came of it
        self.webhooks: list[dict[str, str]] = []
        self.webhook_calls: list[WebhookCall] = []
        self.unreachable: set[str] = set()
        self._fail_next: list[tuple[int, bool]] = []
        self._late_by: list[float] = []
        self._ids = itertools.count(1)

    # ---- faults ------------------------------------------------------------------------
    def fail_next_send(self, status: int = 500, *, html: bool = False) -> None:
        """The next POST is refused with ``status`` before anything is queued: the app's JSON
        error, or (``html``) a page from a reverse proxy in front of the phone (cloud mode)."""
        self._fail_next.append((status, html))

    def answer_next_send_late(self, seconds: float) -> None:
        """The next POST is queued as usual but answered only after ``seconds``."""
        self._late_by.append(seconds)

    def mark_unreachable(self, phone_number: str) -> None:
        """Messages to this number end Failed (switched off, out of coverage)."""
        self.unreachable.add(phone_number)

    # ---- the phone ---------------------------------------------------------------------
    def add_webhook(self, url: str, event: str = "sms:received",
                    webhook_id: str | None = None) -> None:
        self.webhooks.append({"id": webhook_id or secrets.token_hex(8), "url": url,
                              "event": event, "deviceId": self.device_id})

    def advance(self) -> None:
        """One step of the phone's work for every queued message not yet final."""
        for sms in self.messages.values():
            for number, state in sms.states.items():
                if state in _NEXT:
                    if number in self.unreachable and state == PROCESSED:
                        sms.states[number] = FAILED
                        sms.errors[number] = "RESULT_ERROR_GENERIC_FAILURE"
                    else:
                        sms.states[number] = _NEXT[state]

    def deliver_all(self) -> None:
        for _ in _NEXT:
            self.advance()

    def sms_to(self, phone_number: str) -> list[QueuedSms]:
        return [m for m in self.messages.values() if phone_number in m.phone_numbers]

    async def text_from(self, sender: str, text: str, *, signed: bool = True,
                        signature: str | None = None, timestamp: int | None = None,
                        event: str = "sms:received", message_id: str | None = None) -> list[int]:
        """A person texts the phone: ``sms:received`` is posted to every webhook for that
        event, signed unless ``signed`` is False (``signature``/``timestamp`` override the
        real ones, to forge or replay). The app's retry of a text is the same ``message_id``
        posted again, signed anew. Returns the statuses the bot answered."""
        now = datetime.now(UTC)
        statuses = []
        for hook in [h for h in self.webhooks if h["event"] == event]:
            body = json.dumps({
                "id": secrets.token_hex(10), "webhookId": hook["id"], "event": event,
                "deviceId": self.device_id,
                "payload": {"messageId": message_id or secrets.token_hex(10), "message": text,
                            "sender": sender, "recipient": None, "simNumber": 1,
                            "phoneNumber": sender,
                            "receivedAt": now.isoformat(timespec="milliseconds")},
            }, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json"}
            if signed:
                stamp = str(int(time.time()) if timestamp is None else timestamp)
                headers["X-Timestamp"] = stamp
                headers["X-Signature"] = signature or sign(self.signing_key, body, stamp)
            async with httpx.AsyncClient() as client:
                answer = await client.post(hook["url"], content=body, headers=headers)
            self.webhook_calls.append(WebhookCall(hook["url"], body, headers,
                                                  answer.status_code))
            statuses.append(answer.status_code)
        return statuses

    # ---- the API -----------------------------------------------------------------------
    def _bug_answer(self) -> HttpResponse:
        return _json(500, {"message": "emulator error"})

    async def _answer(self, request: HttpRequest) -> HttpResponse:
        if not self._authorised(request.headers.get("authorization", "")):
            return _json(401, {"message": "Unauthorized"})
        path = request.path.rstrip("/") or "/"
        if request.method == "POST" and path in _ROUTES:
            return await self._post_message(request)
        if request.method == "GET" and path.rsplit("/", 1)[0] in _ROUTES:
            sms = self.messages.get(path.rsplit("/", 1)[1])
            return _json(200, self._state(sms)) if sms else _json(404, {"message": "Not Found"})
        if request.method == "POST" and path in _WEBHOOK_ROUTES:
            hook = json.loads(request.body)
            self.add_webhook(hook["url"], hook.get("event", "sms:received"), hook.get("id"))
            return _json(201, self.webhooks[-1])
        if request.method == "GET" and path == "/":
            return _json(200, {"status": "ok", "model": "emulator"})
        return _json(404, {"message": "Not Found"})

    def _authorised(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(given, f"{self.username}:{self.password}")

    async def _post_message(self, request: HttpRequest) -> HttpResponse:
        self.post_attempts += 1
        if self._fail_next:
            status, html = self._fail_next.pop(0)
            if html:
                return HttpResponse(status, b"<html><body>502 Bad Gateway</body></html>",
                                    content_type="text/html")
            return _json(status, {"message": "Internal Server Error"})
        try:
            body = json.loads(request.body)
        except ValueError:
            return _json(400, {"message": "invalid JSON"})
        numbers = body.get("phoneNumbers")
        older, text_message = body.get("message"), body.get("textMessage")
        if not isinstance(numbers, list) or not numbers or not all(
                isinstance(n, str) and n for n in numbers):
            return _json(400, {"message": "phoneNumbers is empty"})
        if (older is None) == (text_message is None):
            return _json(400, {"message": "exactly one of message, textMessage must be set"})
        text = older if older is not None else (text_message or {}).get("text")
        if not isinstance(text, str) or not text:
            return _json(400, {"message": "text is empty"})
        message_id = body.get("id") or f"emu{next(self._ids)}"
        if message_id in self.messages:
            return _json(409, {"message": "Message with the same ID already exists"})
        sms = QueuedSms(message_id, text, list(numbers), dict.fromkeys(numbers, PENDING),
                        segments=segments_of(text), encoding=encoding_of(text),
                        with_older_form=older is not None)
        self.messages[message_id] = sms
        if self._late_by:
            await asyncio.sleep(self._late_by.pop(0))
        return _json(202, self._state(sms),
                     {"Location": f"/message/{message_id}"})

    def _state(self, sms: QueuedSms) -> dict[str, Any]:
        recipients = []
        for number, state in sms.states.items():
            recipient = {"phoneNumber": number, "state": state}
            if number in sms.errors:
                recipient["error"] = sms.errors[number]
            recipients.append(recipient)
        return {"id": sms.id, "deviceId": self.device_id, "state": sms.state(),
                "isHashed": False, "isEncrypted": False, "recipients": recipients}


def sign(signing_key: str, body: bytes, timestamp: str) -> str:
    """The app's ``generateSignature``: hex HMAC-SHA256 of the body then the timestamp."""
    return hmac.new(signing_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def _json(status: int, payload: dict[str, Any],
          headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, json.dumps(payload, ensure_ascii=False).encode(),
                        extra_headers=headers or {})
