"""An emulator of the Zalo Bot Platform's Bot API (``https://bot-api.zaloplatforms.com/bot<TOKEN>/
<method>``) over real HTTP on 127.0.0.1, and of the platform's side of the webhook (a person
writing to the bot).

Built from the platform's public documentation (bot.zaloplatforms.com/docs, "Zalo Bot API
Documentation", updated 10/12/2025: getMe, getUpdates, setWebhook / getWebhookInfo /
deleteWebhook, sendMessage, sendPhoto, sendSticker, sendChatAction) and public client code
(the Node client in ``@gguf/claw`` ``extensions/zalo/src/api.ts``; the PHP SDK
``vntrungld/zalo-bot-php-sdk``; the ``python-zalo-bot`` README):

* every method is ``POST`` with a JSON body, answered ``{"ok": true, "result": …}`` or
  ``{"ok": false, "error_code": …, "description": …}`` (``errors``);
* ``getMe``: ``id``, ``account_name``, ``account_type``, ``can_join_groups`` (false for the
  ``BASIC`` bots the documentation shows);
* ``getUpdates`` takes only ``timeout`` (seconds, a string; 30 by default): a long poll with
  **no offset**. Its ``result`` is ONE update, ``{"event_name": "message.text.received",
  "message": {"from": {"id", "display_name", "is_bot"}, "chat": {"id", "chat_type":
  "PRIVATE"|"GROUP"}, "message_id", "date" (ms), "text"}}``; a poll that ends empty is refused
  with 408 "Request timeout" (as clients observe). Nothing confirms an update, so the same update
  can come again: the emulator re-delivers one on request (:meth:`FakeZaloBot.deliver_again`),
  and the bot must drop a ``message_id`` it has already handled. ``getUpdates`` is refused
  while a webhook is set (the documentation's warning; 409 here, Telegram's code);
* ``setWebhook`` takes ``url`` and ``secret_token`` (8 to 256 characters); each update is then
  POSTed to the URL wrapped as ``{"ok": true, "result": <update>}`` with the header
  ``X-Bot-Api-Secret-Token: <secret_token>``;
* a person's photo (``message.image.received``) names its file by URL in ``message.photo`` with
  the words in ``message.caption`` (the Node client's ``ZaloMessage``: ``photo?: string;
  caption?: string``; clients written against the platform read ``photo_url`` too, and the
  adapter takes either); the URL is served here by ``GET /media/<name>`` without the token, as
  the platform's CDN serves it (:meth:`FakeZaloBot.host_media`); an unknown name is a 404;
* ``sendMessage``: ``chat_id`` and ``text`` of 1 to 2000 characters; ``sendPhoto``: ``chat_id``,
  ``photo`` (a URL), ``caption`` of up to 2000; both answer ``{"message_id", "date"}``;
  ``sendChatAction``: ``action`` ``typing`` or ``upload_photo``.

The people writing to the bot, and the platform's posts to the webhook, are in ``user_side``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from emulators.fault_plan import FaultInjection
from emulators.http_emulator import HttpEmulator
from emulators.telegram.http import HttpRequest, HttpResponse

from .errors import (
    BAD_REQUEST,
    CONFLICT,
    NOT_FOUND,
    REQUEST_TIMEOUT,
    UNAUTHORIZED,
    BotApiError,
    blocked,
    chat_not_found,
)
from .faults import FaultPlan
from .user_side import UserSide
from .world import ApiCall, SentMessage, ZaloBotUser, new_hex_id

BOT_ID = "1459232241454765289"
TOKEN = f"{BOT_ID}:emulated-zalo-bot-access-token"
TEXT_LIMIT = 2000
DEFAULT_POLL_SECONDS = 30.0
_ACTIONS = frozenset({"typing", "upload_photo"})


def _ok(result: Any) -> HttpResponse:
    return HttpResponse(200, json.dumps({"ok": True, "result": result},
                                        ensure_ascii=False).encode())


class FakeZaloBot(UserSide, FaultInjection[BotApiError], HttpEmulator):
    """The Bot API for one bot, and the people who write to it."""

    def __init__(self, *, token: str = TOKEN, account_name: str = "bot.AnNinhXa",
                 can_join_groups: bool = False) -> None:
        super().__init__()
        self.token = token
        self.account_name = account_name
        self.can_join_groups = can_join_groups
        self.users: dict[str, ZaloBotUser] = {}
        self.pending: list[dict[str, Any]] = []  # updates waiting for getUpdates
        self.delivered: list[dict[str, Any]] = []  # every update handed out, in order
        self.sent: list[SentMessage] = []
        self.calls: list[ApiCall] = []
        self.chat_actions: list[tuple[str, str]] = []
        self.faults = FaultPlan()
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.polls = 0  # getUpdates calls received; the newest one is the one that waits
        self.media: dict[str, tuple[bytes, str]] = {}  # path -> (bytes, content type)

    def host_media(self, data: bytes, suffix: str, content_type: str) -> str:
        """The URL a person's update links to for ``data`` (``GET`` serves it)."""
        path = f"/media/{new_hex_id()}{suffix}"
        self.media[path] = (data, content_type)
        return f"{self.base_url}{path}"

    # ---- faults (``emulators.fault_plan``): targets a chat id, or a method name ------------
    def _fault_error(self, code: int, message: str) -> BotApiError:
        return BotApiError(code, message)

    def _server_error_answer(self, status: int) -> HttpResponse:
        return BotApiError(status, "Internal Server Error").answer()

    # ---- inspection ---------------------------------------------------------------------
    def sent_to(self, chat_id: str) -> list[SentMessage]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def texts_to(self, chat_id: str) -> list[str]:
        return [str(m.body.get("text") or m.body.get("caption") or "")
                for m in self.sent_to(chat_id)]

    def requests_to(self, chat_id: str) -> int:
        return sum(1 for call in self.calls if call.chat_id == chat_id)

    async def wait_until_sent(self, chat_id: str, count: int, seconds: float = 5.0
                              ) -> list[SentMessage]:
        found = await self._changed.wait_for(
            lambda: self.sent_to(chat_id) if len(self.sent_to(chat_id)) >= count else None,
            seconds)
        if found is None:
            raise AssertionError(f"{count} message(s) to a chat did not arrive "
                                 f"({len(self.sent_to(chat_id))} did)")
        return found

    async def wait_until_polled(self, count: int, seconds: float = 5.0) -> None:
        """Until ``count`` getUpdates calls have come in (a restarted bot is listening)."""
        if await self._changed.wait_for(lambda: True if self.polls >= count else None,
                                        seconds) is None:
            raise AssertionError(f"getUpdates was not called {count} times")

    async def wait_until_taken(self, seconds: float = 5.0) -> None:
        """Until every pending update was handed out by ``getUpdates``."""
        if await self._changed.wait_for(lambda: True if not self.pending else None,
                                        seconds) is None:
            raise AssertionError("the bot did not poll its updates")

    # ---- HTTP ---------------------------------------------------------------------------
    def _now_ms(self) -> int:
        return int(time.time() * 1000)

    def _bug_answer(self) -> HttpResponse:
        return BotApiError(500, "emulator error").answer()

    async def _answer(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and request.path.startswith("/media/"):
            hosted = self.media.get(request.path)
            if hosted is None:
                return HttpResponse(404, b"", "text/plain")
            return HttpResponse(200, hosted[0], hosted[1])
        prefix, _, method = request.path.lstrip("/").rpartition("/")
        if not prefix.startswith("bot"):
            raise BotApiError(NOT_FOUND, "Not Found")
        if prefix.removeprefix("bot") != self.token:
            raise BotApiError(UNAUTHORIZED, "Unauthorized")
        body = self._body(request)
        chat_id = str(body["chat_id"]) if "chat_id" in body else None
        self.calls.append(ApiCall(method, chat_id, body))
        target = chat_id or method
        server_fault = self._server_fault(target)
        if server_fault is not None:
            return server_fault
        injected = self.faults.take_error(target)
        if injected is not None:
            raise injected
        answer = await self._method(method, body)
        await self._answer_late(target)
        return answer

    @staticmethod
    def _body(request: HttpRequest) -> dict[str, Any]:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError as error:
            raise BotApiError(BAD_REQUEST, "Bad Request: body is not JSON") from error
        if not isinstance(body, dict):
            raise BotApiError(BAD_REQUEST, "Bad Request: body is not an object")
        return body

    async def _method(self, method: str, body: dict[str, Any]) -> HttpResponse:
        if method == "getMe":
            return _ok({"id": self.token.partition(":")[0], "account_name": self.account_name,
                        "account_type": "BASIC", "can_join_groups": self.can_join_groups})
        if method == "getUpdates":
            return await self._get_updates(body)
        if method == "setWebhook":
            return self._set_webhook(body)
        if method == "deleteWebhook":
            self.webhook_url = self.webhook_secret = None
            return _ok({"url": "", "updated_at": self._now_ms()})
        if method == "getWebhookInfo":
            return _ok({"url": self.webhook_url or "", "updated_at": self._now_ms()})
        if method == "sendMessage":
            _check_text(body, "text", required=True)
            return self._send(method, body)
        if method == "sendPhoto":
            if not str(body.get("photo") or ""):
                raise BotApiError(BAD_REQUEST, "Bad Request: photo is required")
            _check_text(body, "caption", required=False)
            return self._send(method, body)
        if method == "sendChatAction":
            self._recipient(body)
            if body.get("action") not in _ACTIONS:
                raise BotApiError(BAD_REQUEST, "Bad Request: action is invalid")
            self.chat_actions.append((str(body["chat_id"]), str(body["action"])))
            return HttpResponse(200, b'{"ok": true}')
        raise BotApiError(NOT_FOUND, "Not Found: method not found")

    async def _get_updates(self, body: dict[str, Any]) -> HttpResponse:
        if self.webhook_url is not None:
            raise BotApiError(CONFLICT, "Conflict: can't use getUpdates while webhook is active")
        try:
            seconds = float(body.get("timeout", DEFAULT_POLL_SECONDS))
        except (TypeError, ValueError) as error:
            raise BotApiError(BAD_REQUEST, "Bad Request: timeout is invalid") from error
        # A newer poll ends an older one, as on Telegram: the older client may be gone (a bot
        # that stopped), and an update handed to it would be lost.
        self.polls += 1
        mine = self.polls
        self._changed.notify()  # a test may wait for the bot to be listening
        if not self.pending:
            await self._changed.wait_for(
                lambda: True if self.pending or self.polls != mine else None, seconds)
        if self.polls != mine:
            raise BotApiError(CONFLICT, "Conflict: terminated by other getUpdates request")
        if not self.pending:
            raise BotApiError(REQUEST_TIMEOUT, "Request timeout")
        update = self.pending.pop(0)
        self.delivered.append(update)
        return _ok(update)

    def _set_webhook(self, body: dict[str, Any]) -> HttpResponse:
        url, secret = str(body.get("url") or ""), str(body.get("secret_token") or "")
        # The platform takes HTTPS URLs only; the emulator also takes the bot's own test server.
        if not (url.startswith("https://") or url.startswith("http://127.0.0.1:")):
            raise BotApiError(BAD_REQUEST, "Bad Request: url must be HTTPS")
        if not 8 <= len(secret) <= 256:
            raise BotApiError(BAD_REQUEST, "Bad Request: secret_token must be 8 to 256 "
                                           "characters")
        self.webhook_url, self.webhook_secret = url, secret
        return _ok({"url": url, "updated_at": self._now_ms()})

    def _recipient(self, body: dict[str, Any]) -> ZaloBotUser:
        user = self.users.get(str(body.get("chat_id") or ""))
        if user is None:
            raise chat_not_found()
        if user.blocked_bot:
            raise blocked()
        return user

    def _send(self, method: str, body: dict[str, Any]) -> HttpResponse:
        user = self._recipient(body)
        sent = SentMessage(new_hex_id(), user.id, method, body)
        self.sent.append(sent)
        return _ok({"message_id": sent.message_id, "date": self._now_ms()})


def _check_text(body: dict[str, Any], key: str, *, required: bool) -> None:
    """1 to 2000 characters, as the documentation gives for ``text`` and ``caption``."""
    text = body.get(key)
    if text is None and not required:
        return
    if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
        raise BotApiError(BAD_REQUEST, f"Bad Request: {key} must be 1 to {TEXT_LIMIT} "
                                       "characters")
