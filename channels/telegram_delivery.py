"""The Telegram channel the bulletin delivery engine sends through, on a Bot of its own.

The delivery engine gets a Bot of its own, not the Application's, for three reasons:
* no PTB ``AIORateLimiter``: the engine paces itself (``broadcasts.pacing``, justified by
  ``bench/broadcast.py``), and two limiters in series only add delay;
* a long read timeout: a slow answer is waited for, because giving up on it leaves the message
  possibly delivered - and then the row can only be reported as uncertain;
* a connection pool sized to the engine's workers, apart from the pool that serves updates.

A timeout is reported as ``MaybeDelivered`` (the request may have reached Telegram), unlike a
5xx or a refused connection, after which nothing was delivered and a retry is safe.

A paid broadcast (``allow_paid_broadcast``, an alert under ``bulletins.paid_broadcast``) that the
bot's Star balance cannot pay for is ``PaidSendRefused``: the Bot API does not document that
answer; the emulator answers ``400 BALANCE_TOO_LOW`` (``emulators/telegram/paid_broadcast.py``
says why), and any 400 on a paid send that names the balance or Stars is taken as it. A 400
proves nothing went out, so the engine sends the copy again unpaid.
"""

from __future__ import annotations

import httpx
from telegram import Bot
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from channels.telegram import TelegramChannel
from core.address import Address
from core.config_model import Config
from core.outbound import (
    PAID_BROADCAST,
    MaybeDelivered,
    OutboundMessage,
    PaidSendRefused,
    Rejected,
    TransientFailure,
)

DELIVERY_READ_TIMEOUT = 60.0  # seconds; Telegram answers in well under a second when healthy


class DeliveryChannel(TelegramChannel):
    async def send(self, to: Address, message: OutboundMessage) -> int:
        try:
            return await super().send(to, message)
        except TransientFailure as failure:
            if _may_have_arrived(failure.__cause__):
                raise MaybeDelivered(failure.reason) from failure.__cause__
            raise
        except Rejected as failure:
            if message.extra.get(PAID_BROADCAST) and _names_the_balance(failure.reason):
                raise PaidSendRefused(failure.reason) from failure.__cause__
            raise


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
    if isinstance(root, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return False
    if root is None or isinstance(root, TelegramError):
        # Telegram, or the web server in front of it, answered with an error status: a 5xx
        # with a JSON body (no cause), or an HTML page PTB could not parse (its parsing error as
        # the cause). Either way the request was refused.
        return isinstance(error, TimedOut)
    return True


def delivery_bot(config: Config, token: str, workers: int,
                 request_type: type[HTTPXRequest] = HTTPXRequest) -> Bot:
    request = request_type(connection_pool_size=workers + 4, read_timeout=DELIVERY_READ_TIMEOUT,
                           write_timeout=30.0, connect_timeout=10.0, pool_timeout=30.0)
    return Bot(token, base_url=config.telegram.api_base_url,
               base_file_url=config.telegram.api_file_url, request=request)
