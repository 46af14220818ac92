"""``FakeTelegramAPI``: a Bot API server on 127.0.0.1 for end-to-end tests and the offline shell.

The bot under test talks to it through python-telegram-bot's normal HTTP stack
(``ApplicationBuilder().base_url(fake.base_url).base_file_url(fake.base_file_url)``), in the
same event loop as the test. The test builds users and groups, drives the bot with
Telegram-shaped updates, injects faults, and reads back every call the bot made::

    fake = FakeTelegramAPI()
    await fake.start()
    alice = fake.user("Lan")
    fake.send_message(alice, "/start")
    reply = await fake.wait_for_message(alice.id)
    await fake.stop()
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from .errors import ApiError, gateway_error
from .faults import SENDING_METHODS, FaultPlan, RateLimiter
from .forms import FormError, decode_body
from .http import HttpRequest, HttpResponse, HttpServer
from .inspection import Inspection
from .methods import Method, find_method
from .paid_broadcast import StarLedger, is_paid
from .params import Params
from .scene import SceneBuilding
from .user_actions import UserActions
from .webhook_push import WebhookPusher
from .world import ApiCall, World

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"


def _json_response(status: int, reply: dict[str, Any]) -> HttpResponse:
    return HttpResponse(status, json.dumps(reply, ensure_ascii=False).encode("utf-8"))


class FakeTelegramAPI(UserActions, SceneBuilding, Inspection):
    """A fake Telegram Bot API: world building, driving, fault injection and inspection."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "ketnoi_antt_bot",
        *,
        rate_limits: bool = False,
        privacy_mode: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.world = World(
            token, bot_username, clock=clock, wall_clock=wall_clock, privacy_mode=privacy_mode
        )
        self.faults = FaultPlan()
        self.rate_limiter = RateLimiter(clock, enabled=rate_limits)
        self.internal_errors: list[str] = []
        self.downloads: list[str] = []
        self._call_cursor: dict[str, int] = {}
        self._message_cursor: dict[int, int] = {}
        self._http = HttpServer(self._handle)
        # Telegram POSTing updates to the bot's webhook, once a test says where (webhook_push).
        self.webhook_pusher = WebhookPusher(self.world)
        self.base_url = ""
        self.base_file_url = ""

    # ---- identity -----------------------------------------------------------------------
    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_id(self) -> int:
        return self.world.bot.id

    @property
    def bot_username(self) -> str:
        return self.world.bot.username or ""

    @property
    def stars(self) -> StarLedger:
        """The bot's Star balance (``top_up``) and what paid broadcasts spent."""
        return self.world.stars

    @property
    def rate_limit_hits(self) -> int:
        """How many calls the rate limiter refused with 429."""
        return self.rate_limiter.hits

    # ---- lifecycle ----------------------------------------------------------------------
    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (an ephemeral port unless given) and fill in the base URLs."""
        self.world.stopping = False
        await self._http.start(port)
        root = f"http://127.0.0.1:{self._http.port}"
        self.base_url = f"{root}/bot"
        self.base_file_url = f"{root}/file/bot"

    async def stop(self) -> None:
        """Answer held long polls and injected delays at once, then close every connection."""
        self.world.stopping = True
        self.world.changed.notify()
        await self.webhook_pusher.stop()
        await self._http.stop()

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        await self.stop()

    # ---- fault injection ----------------------------------------------------------------
    def inject_error(
        self, method: str, *, chat_id: int | None = None, error_code: int, description: str,
        retry_after: int | None = None, migrate_to_chat_id: int | None = None, times: int = 1,
    ) -> None:  # fmt: skip
        """The next ``times`` calls to ``method`` (for ``chat_id``, if given) fail like this."""
        parameters: dict[str, Any] = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        error = ApiError(error_code, description, parameters or None)
        self.faults.add_error(method, chat_id, error, times)

    def inject_server_error(
        self, method: str, *, chat_id: int | None = None, status: int = 502, html: bool = False,
        times: int = 1,
    ) -> None:  # fmt: skip
        """The next ``times`` calls to ``method`` (for ``chat_id``, if given) are refused with
        HTTP ``status`` (5xx) before they take effect: nothing is sent. ``html=True`` answers
        the HTML page of the web server in front of the API rather than the API's JSON error
        (see :func:`errors.gateway_error`)."""
        self.faults.add_error(method, chat_id, gateway_error(status, html=html), times)

    def inject_delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls to ``method`` are answered only after ``seconds``.

        The call still takes effect when the delay ends, even if the client gave up waiting:
        that is how a real request whose answer was lost to a timeout behaves (the message may
        have been sent), which is what "uncertain" deliveries are about. ``stop()`` cuts the
        delay short.
        """
        self.faults.add_delay(method, seconds, times)

    def inject_unreadable_answer(
        self, method: str, *, chat_id: int | None = None, times: int = 1,
    ) -> None:  # fmt: skip
        """The next ``times`` calls to ``method`` (for ``chat_id``, if given) are carried out -
        the message is in the chat - and answered ``200 OK`` with their JSON cut short.

        Why: a success status proves the Bot API acted on the call, while the body may still
        not be readable - cut by a proxy or load balancer in front of the API (framed by its
        own ``Content-Length``), or mangled on the way. A client that reads such an answer as
        a refusal and sends again makes a duplicate; SPEC §12 wants it "may have been
        delivered" (the delivery engine's ``uncertain``)."""
        self.faults.add_cut(method, chat_id, times)

    # ---- HTTP entry point ---------------------------------------------------------------
    async def _handle(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/file/bot"):
            return self._download(request.path.removeprefix("/file/bot"))
        if request.path.startswith("/bot"):
            token, _, method = request.path.removeprefix("/bot").partition("/")
            return await self._api_call(token, method, request)
        return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def _download(self, rest: str) -> HttpResponse:
        token, _, file_path = rest.partition("/")
        stored = self.world.file_by_path(file_path) if token == self.world.token else None
        if stored is None:
            return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        self.downloads.append(file_path)
        return HttpResponse(200, stored.data, stored.mime_type or "application/octet-stream")

    def _record(self, name: str, params: dict[str, Any], files: dict[str, bytes]) -> ApiCall:
        call = ApiCall(name, params, self.world.clock(), {}, 0, files)
        self.world.calls.append(call)
        self.world.changed.notify()
        return call

    async def _api_call(self, token: str, name: str, request: HttpRequest) -> HttpResponse:
        """Answer one Bot API request; it is recorded on arrival and completed on answer, so a
        test can see a held long poll or a delayed call while the bot is still waiting on it."""
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        call: ApiCall | None = None
        page: bytes | None = None
        cut = False
        try:
            if token != self.world.token:
                raise ApiError(401, "Unauthorized")
            found = find_method(name)
            if found is None:
                raise ApiError(404, "Not Found: method not found")
            name, method = found
            try:
                body = decode_body(request.content_type, request.body, request.query)
            except FormError as exc:
                raise ApiError(400, f"Bad Request: {exc}") from exc
            params = body.params
            files = {field: upload.data for field, upload in body.files.items()}
            call = self._record(name, params, files)
            await self._injected_delay(name)
            result = await self._run(name, method, Params(params, body.files))
            status, reply = 200, {"ok": True, "result": result}
            cut = self.faults.take_cut(name, params)
        except ApiError as exc:
            status, reply, page = exc.error_code, exc.to_reply(), exc.page
        except Exception as exc:  # a bug in the fake: answer 500 and keep the trace for the test
            self.internal_errors.append("".join(traceback.format_exception(exc)))
            status = 500
            reply = {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc}"}
        response = _json_response(status, reply)
        if call is None:  # refused before it was a valid call (token, method, body)
            call = self._record(name, params, files)
        call.response = json.loads(response.body)  # a snapshot, unaffected by later edits
        if page is not None:  # what the client gets; the call log keeps the JSON summary
            response = HttpResponse(status, page, "text/html")
        if cut:  # carried out; the answer's JSON cut in half (inject_unreadable_answer)
            response = HttpResponse(status, response.body[: len(response.body) // 2])
        call.status = status
        self.world.changed.notify()
        return response

    async def _injected_delay(self, name: str) -> None:
        delay = self.faults.take_delay(name)
        if delay > 0:
            world = self.world
            await world.changed.wait_for(lambda: True if world.stopping else None, delay)

    async def _run(self, name: str, method: Method, params: Params) -> Any:
        injected = self.faults.take_error(name, params.values)
        if injected is not None:
            raise injected
        paid = name in SENDING_METHODS and is_paid(params)
        if paid:
            self.world.stars.require()
        self.rate_limiter.check(name, params.values.get("chat_id"), paid=paid)
        result = await method(self.world, params)
        if paid:
            self.world.stars.charge()
        return result
