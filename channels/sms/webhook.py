"""The bot's receiver of SMS Gateway for Android's ``sms:received`` webhook: texts people send
to the commune's phone, handed on as plain data with the sender sealed (SPEC §13).

A request is accepted only with a valid signature: ``X-Signature`` = hex HMAC-SHA256, under the
gateway app's signing key, of the raw body followed by ``X-Timestamp`` (the app's
``PayloadSingingPlugin``), compared in constant time. A timestamp more than
:data:`MAX_CLOCK_SKEW` away from now is refused too, so a recorded request cannot be replayed
later. Refusals are answered 401 and change nothing.

The gateway retries a webhook that was not answered 2xx (re-signed, so possibly long after the
first try, and also after our restart), so each text is claimed by its ``messageId`` in the
database before it is handled (``channels.inbound_once``: never handled twice, no silent loss):
a retry of a text handled before is answered 200 and ignored, even after a restart - a second
tip and a second receipt SMS (which costs money) would be the price; one still being handled
here is answered 503; one a dying process was handling is counted and logged as uncertain (at
the next start) and never handled again. A handling that failed is answered 500 and its claim
deleted, so the gateway's retry is handled. The claim's key is an HMAC of the message id under
the signing key: never the number.

The sender's number is personal data: it is normalised (``org.phone_numbers``), sealed into an
``sms:<sealed>`` address by the function the bot gives (``tips.anonymity``'s seal_address) and
dropped; it is never logged, and no log line here holds the text either.

The server is tornado's (already a dependency, through python-telegram-bot's webhooks extra),
in the bot's own event loop.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from tornado.web import RequestHandler

from channels.inbound_once import InboundOnce, Outcome
from channels.sms.provider import InboundText
from channels.webhook_listener import ListenedReceiver, WebhookListener
from core.address import Address
from core.clock import Clock
from org.phone_numbers import InvalidNumber, parse_phone_number
from storage.db import Database
from storage.inbound_claims import SMS_MESSAGES

log = logging.getLogger(__name__)

SMS_CHANNEL = "sms"
RECEIVED = "sms:received"
MAX_CLOCK_SKEW = 300  # seconds between the phone's clock and ours
# The gateway's retries of one webhook end well within this (its backoff is bounded).
SEEN_KEPT = timedelta(days=7)
MAX_BODY_BYTES = 64 * 1024  # an SMS event is well under 2 KB

InboundCallback = Callable[[InboundText], Awaitable[None]]
Sealer = Callable[[Address], str]


def signature_of(signing_key: str, body: bytes, timestamp: str) -> str:
    return hmac.new(signing_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def signature_is_valid(signing_key: str, body: bytes, timestamp: str, signature: str,
                       now: float) -> bool:
    """The request's signature is the gateway's and its timestamp is recent."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    expected = signature_of(signing_key, body, timestamp)
    return hmac.compare_digest(expected, signature.strip().lower())


def sms_address(seal: Sealer, number_e164: str) -> Address:
    """``sms:<sealed>``: the address a person texting the phone is known by."""
    return Address(SMS_CHANNEL, seal(Address(SMS_CHANNEL, number_e164)))


class _EventHandler(RequestHandler):
    def initialize(self, receiver: SmsWebhookReceiver) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        status = await self.receiver.accept(self.request.body, self.request.headers)
        self.set_status(status)
        self.finish()


class SmsWebhookReceiver(ListenedReceiver):
    def __init__(self, *, db: Database, signing_key: str, listen: str, port: int, path: str,
                 on_text: InboundCallback, seal: Sealer, clock: Clock) -> None:
        self._signing_key = signing_key
        self._on_text = on_text
        self._seal = seal
        self._clock = clock
        self._once = InboundOnce(db, SMS_MESSAGES, SMS_CHANNEL, clock, kept=SEEN_KEPT)
        self._claims = self._once
        self._listener = WebhookListener(
            listen=listen, port=port, path=path, handler=_EventHandler,
            handler_args={"receiver": self}, max_body_bytes=MAX_BODY_BYTES)

    async def accept(self, body: bytes, headers: Mapping[str, str]) -> int:
        """The HTTP status for one webhook request."""
        now = self._clock.now().timestamp()
        if not signature_is_valid(self._signing_key, body, headers.get("X-Timestamp", ""),
                                  headers.get("X-Signature", ""), now):
            log.warning("SMS webhook refused: missing, wrong or stale signature")
            return 401
        try:
            event = json.loads(body)
            payload = event["payload"]
        except (ValueError, KeyError, TypeError):
            return 400
        if event.get("event") != RECEIVED:
            return 200  # other events (sms:sent, system:ping) are not subscribed to; ignore
        inbound = self._inbound(payload)
        if inbound is None:
            return 200
        try:
            if not inbound.message_id:  # nothing to know a retry by: handled as it comes
                await self._on_text(inbound)
                return 200
            outcome = await self._once.run(self._message_key(inbound.message_id),
                                           lambda: self._on_text(inbound))
        except Exception as error:
            # The type only: an exception's words could quote the text or the number.
            log.error("SMS webhook: handling a text failed (%s); the gateway will retry it",
                      type(error).__name__)
            return 500
        return 503 if outcome is Outcome.IN_PROGRESS else 200

    def _message_key(self, message_id: str) -> str:
        return hmac.new(self._signing_key.encode(), message_id.encode(),
                        hashlib.sha256).hexdigest()

    def _inbound(self, payload: dict[str, object]) -> InboundText | None:
        try:
            number = parse_phone_number(str(payload.get("sender") or payload.get("phoneNumber")))
        except InvalidNumber as refusal:
            # An operator's short code or a foreign number: nobody to answer by SMS.
            log.info("SMS from a sender that is not a Vietnamese mobile number ignored (%s)",
                     refusal.problem.value)
            return None
        text = payload.get("message")
        if not isinstance(text, str):
            return None
        return InboundText(sender=sms_address(self._seal, number.e164), text=text,
                           received_at=_received_at(payload.get("receivedAt"), self._clock),
                           message_id=str(payload.get("messageId") or ""))


def _received_at(value: object, clock: Clock) -> datetime:
    try:
        stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return clock.now()
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
