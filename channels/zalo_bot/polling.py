"""The Zalo Bot's long poll (``mode = "polling"``): ``getUpdates`` again and again, each answer
one update (or 408 "Request timeout" when the poll ended empty), each update handled once
(``handled.HandledOnce`` drops a ``message_id`` already handled: there is no offset).

Before the first poll, messages a dead process was handling are reported uncertain
(``handled.HandledOnce``). ``getUpdates`` does not work while a webhook is set, so the webhook is
deleted at start. A refusal or a network failure waits (doubling, up to :data:`LONGEST_WAIT`)
and polls again; a bad token (401) is logged as such and waits the longest. Log lines carry the
kind of failure and the platform's code, never an update's content, the chat or the URL (it
holds the token).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from channels.zalo_bot.api import (
    DELETE_WEBHOOK,
    GET_UPDATES,
    POLL_ENDED_EMPTY,
    BotApiError,
    BotTransportError,
    ZaloBotApi,
)
from channels.zalo_bot.handled import HandledOnce
from channels.zalo_bot.updates import update_of

log = logging.getLogger(__name__)

POLL_SECONDS = 30
# The HTTP read waits this much longer than the poll: the platform answers at the poll's end.
READ_MARGIN = 10.0
FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0
UNAUTHORIZED = 401
# A stop waits this long for the update in hand; one still running then is cut (and counted
# uncertain at the next start) rather than hold the bot's shutdown on a hung request.
STOP_GRACE_SECONDS = 10.0


class UpdatePoller:
    def __init__(self, api: ZaloBotApi, handled: HandledOnce, *,
                 poll_seconds: int = POLL_SECONDS) -> None:
        self._api = api
        self._handled = handled
        self._poll_seconds = poll_seconds
        self._task: asyncio.Task[None] | None = None
        # The update being handled: a stop lets it finish (cut mid-way, it would be uncertain).
        self._in_hand: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._handled.give_up_left_claims()
        try:
            await self._api.call(DELETE_WEBHOOK)
        except (BotApiError, BotTransportError) as error:
            # Polling still starts: a webhook left set shows up as refused polls, logged below.
            log.warning("Zalo Bot: deleteWebhook failed at start (%s)", _kind(error))
        self._task = asyncio.get_running_loop().create_task(self._run(), name="zalo-bot-poll")

    async def stop(self) -> None:
        if self._task is not None:
            if self._in_hand is not None:
                await asyncio.wait([self._in_hand], timeout=STOP_GRACE_SECONDS)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        wait = FIRST_WAIT
        while True:
            try:
                result = await self._api.call(
                    GET_UPDATES, {"timeout": str(self._poll_seconds)},
                    read_seconds=self._poll_seconds + READ_MARGIN)
            except BotApiError as error:
                if error.code == POLL_ENDED_EMPTY:
                    wait = FIRST_WAIT
                    continue
                wait = LONGEST_WAIT if error.code == UNAUTHORIZED else wait
                log.warning("Zalo Bot: getUpdates refused (%s); polling again in %.0f s",
                            _kind(error), wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                continue
            except BotTransportError as error:
                log.warning("Zalo Bot: getUpdates failed (%s); polling again in %.0f s",
                            error.reason, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                continue
            wait = FIRST_WAIT
            self._in_hand = asyncio.ensure_future(self.handle_result(result))
            try:
                await self._in_hand
            finally:
                self._in_hand = None

    async def handle_result(self, result: object) -> None:
        update = update_of(result)
        if update is None:
            log.info("Zalo Bot: an update with no message and chat was ignored")
            return
        try:
            await self._handled.handle(update)
        except Exception as error:
            # The type only: an exception's words could quote what the person wrote.
            log.error("Zalo Bot: handling a %s update failed (%s)", update.event_name,
                      type(error).__name__)


def _kind(error: BotApiError | BotTransportError) -> str:
    if isinstance(error, BotApiError):
        return f"error_code {error.code}"
    return error.reason
