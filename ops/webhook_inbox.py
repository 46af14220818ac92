"""The webhook's door (SPEC §14): Telegram's POST is committed to the inbox, then answered.

Every process runs one, leader and standbys alike, so a reverse proxy may send Telegram's POSTs
to any machine. For each POST, in this order:

1. ``X-Telegram-Bot-Api-Secret-Token`` must equal the configured secret (compared in constant
   time), otherwise 403 and nothing is stored: anyone who reaches the port could otherwise
   post a forged update "from" an admin;
2. the body is at most :data:`MAX_BODY_BYTES` of JSON with an integer ``update_id``, else 400;
3. the update is sealed (``ops.update_sealing``) and committed to ``telegram_inbox``; a
   re-POST of an update already there changes nothing;
4. only then 200. A database that fails answers 500, and Telegram sends the update again
   later (it repeats an unanswered update, "and give[s] up after a reasonable amount of
   attempts"; an update is kept no longer than 24 hours).

Telegram's side: setWebhook's ``secret_token`` is "sent in a header X-Telegram-Bot-Api-Secret-
Token in every webhook request"; "in case of an unsuccessful request (a request with response
HTTP status code different from 2XY), we will repeat the request and give up after a reasonable
amount of attempts" (https://core.telegram.org/bots/api#setwebhook).

Served by tornado (python-telegram-bot's webhook server, already a dependency), in the bot's
event loop. Log lines say what was refused, never what an update held.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from core.clock import Clock
from ops.update_sealing import UpdateSealer
from storage import inbox
from storage.db import Database

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's largest updates (a message with a long caption and entities) are a few KB.
MAX_BODY_BYTES = 1024 * 1024

log = logging.getLogger(__name__)


class _UpdatePost(RequestHandler):
    def initialize(self, door: WebhookInbox) -> None:
        self.door = door

    async def post(self) -> None:
        status = await self.door.receive(self.request.headers.get(SECRET_HEADER, ""),
                                         self.request.body)
        self.set_status(status)
        self.finish()


def _no_access_log(_handler: RequestHandler) -> None:
    """Each update is one POST: an access log line per message would say who is busy when."""


class WebhookInbox:
    """The inbox's HTTP server and its database; ``arrived`` is set when an update was stored
    by this process (the leader's feed wakes at once; other processes' rows it finds by
    looking again every second)."""

    def __init__(self, db: Database, sealer: UpdateSealer, secret: str, clock: Clock, *,
                 listen: str, port: int, url_path: str) -> None:
        self.db = db
        self.sealer = sealer
        self._secret = secret.encode()
        self._clock = clock
        self._listen, self._port = listen, port
        self.arrived = asyncio.Event()
        self._application = Application([(rf"/{url_path}", _UpdatePost, {"door": self})],
                                        log_function=_no_access_log)
        self._http: HTTPServer | None = None

    def start(self) -> None:
        """Listen now; OSError when the address is taken."""
        http = HTTPServer(self._application, max_body_size=MAX_BODY_BYTES)
        http.listen(self._port, address=self._listen)
        self._http = http

    async def receive(self, secret: str, body: bytes) -> int:
        if not hmac.compare_digest(secret.encode(), self._secret):
            log.warning("webhook: a POST without the right secret token was refused")
            return 403
        update_id = _update_id_of(body)
        if update_id is None:
            log.warning("webhook: a POST that is not a Telegram update was refused")
            return 400
        sealed = self.sealer.seal(update_id, body)
        try:
            async with self.db.transaction() as conn:
                new = await inbox.accept_update(conn, update_id, sealed, self._clock.now())
        except Exception as err:  # any failure to commit: Telegram must send it again
            log.error("webhook: the update could not be stored (%s); Telegram will retry",
                      type(err).__name__)
            return 500
        if new:
            self.arrived.set()
        return 200

    async def stop(self) -> None:
        if self._http is not None:
            http, self._http = self._http, None
            http.stop()
            await http.close_all_connections()
        await self.db.close()


def _update_id_of(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if isinstance(update_id, bool) or not isinstance(update_id, int) or update_id < 0:
        return None
    return update_id
