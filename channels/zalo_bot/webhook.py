"""The HTTP server the Zalo Bot Platform posts updates to (``mode = "webhook"``; the URL given to
``setWebhook``, behind TLS at the proxy).

For each request, in this order, and nothing changes unless all pass (SPEC §13):

1. ``X-Bot-Api-Secret-Token`` is the configured secret (``webhook_secret_env``), compared in
   constant time: otherwise 403;
2. the body is at most 1 MB of JSON holding an update (wrapped in ``{"ok", "result"}`` as the
   documentation shows, or bare): otherwise 400;
3. the update is handled once (``handled.HandledOnce``): a message already handled, or one a
   dying process was handling (uncertain), is answered 200 and changes nothing; one still being
   handled here is answered 503 (the platform may ask again later). If handling fails the answer
   is 500 (the claim is deleted, so the platform's retry is handled).

At start, before the first post is taken, claims a process died holding are reported uncertain.

Served by tornado (already a dependency through python-telegram-bot's webhooks extra), in the
bot's event loop. Log lines say what was refused and why, never who sent it or what it said.
"""

from __future__ import annotations

import hmac
import json
import logging

import tornado.web

from channels.inbound_once import Outcome
from channels.webhook_listener import ListenedReceiver, WebhookListener
from channels.zalo_bot.handled import HandledOnce
from channels.zalo_bot.updates import update_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024


class _UpdateRequest(tornado.web.RequestHandler):
    def initialize(self, receiver: ZaloBotWebhook) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        status = await self.receiver.receive(self.request.body,
                                             self.request.headers.get(SECRET_HEADER))
        self.set_status(status)
        self.finish()


class ZaloBotWebhook(ListenedReceiver):
    def __init__(self, *, handled: HandledOnce, secret: str, listen: str, port: int,
                 path: str) -> None:
        self._handled = handled
        self._claims = handled.once
        self._secret = secret.encode()
        self._listener = WebhookListener(
            listen=listen, port=port, path=path, handler=_UpdateRequest,
            handler_args={"receiver": self}, max_body_bytes=MAX_BODY_BYTES)

    async def receive(self, body: bytes, secret: str | None) -> int:
        """The HTTP status for one posted update (the checks of the module docstring)."""
        if secret is None or not hmac.compare_digest(secret.encode(), self._secret):
            log.warning("Zalo Bot webhook: refused a request with a bad or missing secret token")
            return 403
        try:
            update = update_of(json.loads(body))
        except ValueError:
            update = None
        if update is None:
            log.warning("Zalo Bot webhook: refused a request that is not an update")
            return 400
        try:
            outcome = await self._handled.handle(update)
        except Exception as error:
            # The type only: an exception's words could quote what the person wrote.
            log.error("Zalo Bot webhook: handling a %s update failed (%s); the platform may "
                      "post it again", update.event_name, type(error).__name__)
            return 500
        return 503 if outcome is Outcome.IN_PROGRESS else 200
