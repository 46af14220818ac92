"""The HTTP server Zalo posts OA events to (the app's webhook URL, behind TLS at the proxy).

For each request, in this order, and nothing changes unless all pass (SPEC §13):

1. the body is at most 1 MB of JSON with a ``timestamp`` (milliseconds);
2. ``X-ZEvent-Signature`` is Zalo's signature of it (``signature``), compared in constant time:
   otherwise 403;
3. the timestamp is not older than :data:`MAX_EVENT_AGE` nor ahead of our clock by more than
   :data:`CLOCK_SKEW`: otherwise 403. The age allowed covers Zalo's retries of an unanswered
   event (30 s, 5, 15 and 30 minutes, then an hour);
4. the event is claimed once (``channels.inbound_once``; same event name, sender and message id),
   in ``zalo_seen_events`` under an HMAC key, never the sender's id, kept longer than the age
   allowed, so a replay inside the window is caught by the table and one outside it by the
   timestamp. A replay, or Zalo's retry of an event we handled but answered too late, is
   answered 200 (Zalo must not retry it) and changes nothing; so is the retry of an event a
   dying process was handling (counted and logged as uncertain, never handled twice). A retry
   arriving while the event is still being handled here is answered 503: Zalo asks again later.

Then the event is handed to ``on_event`` as plain data (``inbound.InboundEvent``). If that fails
the claim is deleted and the answer is 500, so Zalo's retry of the event is handled. At start,
claims a process died holding are reported uncertain before the first event is taken.

Served by tornado (already a dependency through python-telegram-bot's webhooks extra), in the
bot's event loop. Log lines say what was refused and why, never who sent it or what it said.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import tornado.web

from channels.inbound_once import InboundOnce, Outcome
from channels.webhook_listener import ListenedReceiver, WebhookListener
from channels.zalo_oa.inbound import InboundEvent, event_identity, parse_event
from channels.zalo_oa.signature import SIGNATURE_HEADER, signature_is_valid
from core.clock import Clock
from storage.db import Database
from storage.inbound_claims import ZALO_OA_EVENTS

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_EVENT_AGE = timedelta(hours=2)
CLOCK_SKEW = timedelta(minutes=5)
# Seen events are kept this long: longer than any event the timestamp check lets through.
SEEN_EVENTS_KEPT = MAX_EVENT_AGE + CLOCK_SKEW + timedelta(hours=1)
ZALO_OA = "zalo_oa"

EventHandler = Callable[[InboundEvent], Awaitable[None]]


class _EventRequest(tornado.web.RequestHandler):
    def initialize(self, receiver: ZaloWebhook) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        status = await self.receiver.receive(self.request.body,
                                             self.request.headers.get(SIGNATURE_HEADER))
        self.set_status(status)
        self.finish()


class ZaloWebhook(ListenedReceiver):
    def __init__(self, *, db: Database, app_id: str, oa_secret: str, listen: str, port: int,
                 path: str, on_event: EventHandler, clock: Clock) -> None:
        self._app_id = app_id
        self._oa_secret = oa_secret
        self._on_event = on_event
        self._clock = clock
        self._once = InboundOnce(db, ZALO_OA_EVENTS, ZALO_OA, clock, kept=SEEN_EVENTS_KEPT)
        self._claims = self._once
        self._listener = WebhookListener(
            listen=listen, port=port, path=path, handler=_EventRequest,
            handler_args={"receiver": self}, max_body_bytes=MAX_BODY_BYTES)

    async def receive(self, body: bytes, signature: str | None) -> int:
        """The HTTP status for one posted event (the checks of the module docstring)."""
        try:
            payload = json.loads(body)
            timestamp = str(payload["timestamp"])
            sent_at = datetime.fromtimestamp(int(timestamp) / 1000, UTC)
        except (ValueError, KeyError, TypeError, OverflowError):
            log.warning("Zalo webhook: refused a request that is not an OA event")
            return 400
        if not signature_is_valid(signature, app_id=self._app_id, body=body,
                                  timestamp=timestamp, oa_secret=self._oa_secret):
            log.warning("Zalo webhook: refused an event with a bad or missing signature")
            return 403
        now = self._clock.now()
        if not now - MAX_EVENT_AGE <= sent_at <= now + CLOCK_SKEW:
            log.warning("Zalo webhook: refused a stale event (sent %s)", sent_at.isoformat())
            return 403
        event = parse_event(payload)
        try:
            outcome = await self._once.run(self._event_key(payload),
                                           lambda: self._handled(event))
        except Exception as error:
            # The type only: an exception's words could quote what the person wrote.
            log.error("Zalo webhook: handling a %s event failed (%s); Zalo will retry it",
                      payload.get("event_name"), type(error).__name__)
            return 500
        return 503 if outcome is Outcome.IN_PROGRESS else 200

    async def _handled(self, event: InboundEvent | None) -> None:
        if event is not None:  # an event kind the bot does not take: claimed, nothing to do
            await self._on_event(event)

    def _event_key(self, payload: dict[str, object]) -> str:
        identity = "\x00".join(event_identity(payload))
        return hmac.new(self._oa_secret.encode(), identity.encode(), hashlib.sha256).hexdigest()
