"""Telegram's side of a webhook: each pending update POSTed, one at a time, until a 2xx answer.

From the Bot API's setWebhook (https://core.telegram.org/bots/api#setwebhook): "Whenever there
is an update for the bot, we will send an HTTPS POST request to the specified URL, containing a
JSON-serialized Update. In case of an unsuccessful request (a request with response HTTP status
code different from 2XY), we will repeat the request and give up after a reasonable amount of
attempts"; with ``secret_token`` set, "the request will contain a header
X-Telegram-Bot-Api-Secret-Token with the secret token as content". An update is confirmed (gone
from ``getWebhookInfo``'s ``pending_update_count``) only by a 2xx answer.

The webhook URL is public HTTPS, which a test cannot serve; the test names the plain HTTP
address it stands for (as the TLS reverse proxy in front of the bot does), and may change it
(a proxy that sends to another machine). Sequential, like ``max_connections=1``, so the order
is Telegram's own. ``on_answered`` is called the moment a 2xx arrives, before the next POST: a
test kills the process that answered there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from .updates import update_type

if TYPE_CHECKING:
    from .world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram waits longer between attempts; a short pause keeps a test quick and still shows
# that an unanswered update is sent again.
RETRY_AFTER_S = 0.2


class WebhookPusher:
    def __init__(self, world: World) -> None:
        self._world = world
        self.target = ""
        self.on_answered: Callable[[dict[str, Any], int], None] | None = None
        self.attempts: list[tuple[int, int]] = []  # (update_id, status; 0 = no answer)
        self._task: asyncio.Task[None] | None = None

    def push_to(self, target: str,
                on_answered: Callable[[dict[str, Any], int], None] | None = None) -> None:
        """POST pending updates to ``target`` (http://127.0.0.1:…/path) while a webhook is
        set; ``on_answered(update, status)`` after each 2xx."""
        self.target = target
        self.on_answered = on_answered
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._push())
        self._world.changed.notify()

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _next(self) -> dict[str, Any] | None:
        world = self._world
        if world.stopping or not self.target or not world.webhook["url"]:
            return None
        for update in world.updates.pending:
            if update_type(update) in world.updates.allowed:
                return update
        return None

    async def _push(self) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            while True:
                update = await self._world.changed.wait_for(self._next, 3600)
                if update is None:
                    continue
                status = await self._post(client, update)
                self.attempts.append((update["update_id"], status))
                if 200 <= status < 300:
                    self._world.updates.acknowledge(update["update_id"] + 1)
                    if self.on_answered is not None:
                        self.on_answered(update, status)
                else:
                    await asyncio.sleep(RETRY_AFTER_S)

    async def _post(self, client: httpx.AsyncClient, update: dict[str, Any]) -> int:
        headers = {"Content-Type": "application/json"}
        secret = self._world.webhook.get("secret_token")
        if secret:
            headers[SECRET_HEADER] = secret
        try:
            response = await client.post(self.target, content=json.dumps(update),
                                         headers=headers)
        except httpx.TransportError:
            return 0
        return response.status_code
