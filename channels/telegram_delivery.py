"""The Telegram channel the bulletin delivery engine sends through, on a Bot of its own.

The delivery engine gets a Bot of its own, not the Application's, for three reasons:
* no PTB ``AIORateLimiter``: the engine paces itself (``broadcasts.pacing``, justified by
  ``bench/broadcast.py``), and two limiters in series only add delay;
* a long read timeout: a slow answer is waited for, because giving up on it leaves the message
  possibly delivered - and then the row can only be reported as uncertain;
* a connection pool sized to the engine's workers, apart from the pool that serves updates.

A timeout is reported as ``MaybeDelivered`` (the request may have reached Telegram), unlike a
5xx or a refused connection, after which nothing was delivered and a retry is safe. So is a
success status (2xx) whose body cannot be read - not JSON, or no message id in it (a proxy in
front of the API cut it short): Telegram acted on the call, the copy may be in the group, and a
second send would be a duplicate (SPEC §12).

A paid broadcast (``allow_paid_broadcast``, an alert under ``bulletins.paid_broadcast``) that the
bot's Star balance cannot pay for is ``PaidSendRefused``: the Bot API does not document that
answer; the emulator answers ``400 BALANCE_TOO_LOW`` (``emulators/telegram/paid_broadcast.py``
says why), and any 400 on a paid send that names the balance or Stars is taken as it. A 400
proves nothing went out, so the engine sends the copy again unpaid.

Paid copies of plain text (an alert without a photo) go through a lean client of their own
(``channels.bot_api_client``, which says why: PTB and httpx cost ~2 ms of CPU a request, and a
paid broadcast may send 1,000 a second); the same JSON the Bot API takes, the same answers read
the same way (its error answers become PTB's exceptions, classified by ``classify``). Everything
else still goes through PTB.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx
from telegram import Bot
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from channels.bot_api_client import AnswerLost, BotApiClient, NotSent, api_error
from channels.telegram import TelegramChannel, classify, keyboard
from channels.telegram_addresses import chat_id_of
from core.address import Address
from core.capabilities import utf16_length
from core.config_model import Config
from core.outbound import (
    PAID_BROADCAST,
    MaybeDelivered,
    OutboundMessage,
    PaidSendRefused,
    Rejected,
    TransientFailure,
)
from ops.metrics import TELEGRAM_FAILURES, TELEGRAM_RATE_LIMITED, TELEGRAM_SEND_SECONDS
from ops.request import TOO_MANY_REQUESTS, shared_tls_context
from ops.telegram_state import TELEGRAM_STATE, answer_is_failing

DELIVERY_READ_TIMEOUT = 60.0  # seconds; Telegram answers in well under a second when healthy


class DeliveryChannel(TelegramChannel):
    def __init__(self, bot: Bot, bot_username: str = "", *,
                 lean: BotApiClient | None = None) -> None:
        super().__init__(bot, bot_username)
        self._lean = lean
        # The JSON of the last message drawn, without its chat: a broadcast sends one message
        # to thousands of chats, and drawing its keyboard is most of what a copy costs here.
        self._drawn: tuple[tuple[object, ...], bytes] | None = None

    async def send(self, to: Address, message: OutboundMessage) -> int:
        try:
            if self._lean is not None and _lean_fits(message, self.text_limit):
                return await self._send_lean(self._lean, to, message)
            return await super().send(to, message)
        except TransientFailure as failure:
            if _may_have_arrived(failure.__cause__):
                raise MaybeDelivered(failure.reason) from failure.__cause__
            raise
        except Rejected as failure:
            if message.extra.get(PAID_BROADCAST) and _names_the_balance(failure.reason):
                raise PaidSendRefused(failure.reason) from failure.__cause__
            raise


    async def _send_lean(self, client: BotApiClient, to: Address,
                         message: OutboundMessage) -> int:
        body = b'{"chat_id":%d,%s' % (chat_id_of(to), self._fields_of(message))
        try:
            status, answer = await client.call_raw("sendMessage", body)
        except NotSent as error:
            raise TransientFailure(str(error)) from error
        except AnswerLost as error:
            raise MaybeDelivered(str(error)) from error
        if 200 <= status < 300:
            message_id = _message_id(answer)
            if message_id is None:  # a success status: Telegram acted on it (module docstring)
                raise MaybeDelivered(f"HTTP {status} without a readable answer")
            return message_id
        error = api_error(status, answer)
        raise classify(error) from error

    def _fields_of(self, message: OutboundMessage) -> bytes:
        """The request's JSON after ``chat_id`` (with its closing brace)."""
        key = (message.text, message.buttons, message.silent)
        if self._drawn is not None and self._drawn[0] == key:
            return self._drawn[1]
        fields: dict[str, Any] = {"text": message.text,
                                  "disable_notification": message.silent,
                                  "allow_paid_broadcast": True}
        markup = keyboard(message.buttons, self.bot_username)
        if markup is not None:
            fields["reply_markup"] = markup.to_dict()
        drawn = json.dumps(fields, ensure_ascii=False).encode()[1:]
        self._drawn = (key, drawn)
        return drawn


def _lean_fits(message: OutboundMessage, text_limit: int) -> bool:
    """A paid copy of plain text, in one message: the lean client's whole repertoire."""
    return (bool(message.extra.get(PAID_BROADCAST)) and message.media is None
            and message.reply_to_message_id is None
            and 0 < utf16_length(message.text) <= text_limit)


def _message_id(answer: dict[str, Any]) -> int | None:
    result = answer.get("result") if answer.get("ok") is True else None
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return message_id if type(message_id) is int else None


def _names_the_balance(reason: str) -> bool:
    words = reason.upper()
    return "BALANCE" in words or "STARS" in words


def _may_have_arrived(error: BaseException | None) -> bool:
    """After a timeout, a reset or a dropped connection Telegram may have the message; only a
    failure to connect (or to get a pooled connection) proves the request never left, and only
    an answer with an error status proves it was refused."""
    if not isinstance(error, NetworkError):
        return False
    root = error.__cause__
    if isinstance(root, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, NotSent)):
        return False
    if root is None or isinstance(root, TelegramError):
        # Telegram, or the web server in front of it, answered with an error status: a 5xx
        # with a JSON body (no cause), or an HTML page PTB could not parse (its parsing error as
        # the cause). Either way the request was refused.
        return isinstance(error, TimedOut)
    return True


def observe_answer(method: str, status: int | None, seconds: float) -> None:
    """The lean client's answers in the same metrics as PTB's requests (``ops.request``)."""
    if status is None:
        TELEGRAM_FAILURES.labels(method).inc()
        TELEGRAM_STATE.record(method, ok=False)
        return
    TELEGRAM_SEND_SECONDS.labels(method).observe(seconds)
    if status == TOO_MANY_REQUESTS:
        TELEGRAM_RATE_LIMITED.labels(method).inc()
    failing = answer_is_failing(status)
    if failing:
        TELEGRAM_FAILURES.labels(method).inc()
    TELEGRAM_STATE.record(method, ok=not failing)


def paid_client(bot: Bot, pool_size: int) -> BotApiClient | None:
    """The lean client paid copies go through, on the delivery bot's URL and token; None (PTB
    sends them) when the environment names an HTTP proxy for the Bot API, which httpx honours
    and the lean client does not speak."""
    parts = urlsplit(bot.base_url)
    proxies = getproxies()  # ALL_PROXY too, as httpx (and channels.lean_request) read it
    if (proxies.get(parts.scheme) or proxies.get("all")) and not proxy_bypass(parts.hostname or ""):
        return None
    return BotApiClient(bot.base_url, pool_size=pool_size, read_timeout=DELIVERY_READ_TIMEOUT,
                        connect_timeout=10.0, pool_timeout=30.0, tls=shared_tls_context(),
                        observe=observe_answer)


def delivery_bot(config: Config, token: str, workers: int,
                 request_type: Callable[..., HTTPXRequest] = HTTPXRequest) -> Bot:
    request = request_type(connection_pool_size=workers + 4, read_timeout=DELIVERY_READ_TIMEOUT,
                           write_timeout=30.0, connect_timeout=10.0, pool_timeout=30.0)
    return Bot(token, base_url=config.telegram.api_base_url,
               base_file_url=config.telegram.api_file_url, request=request)
