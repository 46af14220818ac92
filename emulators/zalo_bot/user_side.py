"""The platform's side of a chat with the bot: people writing to it (text, an image, a sticker:
``message.text.received``, ``message.image.received``, ``message.sticker.received``), kept for
``getUpdates`` or posted to the webhook with ``X-Bot-Api-Secret-Token``; and raw posting, for
tests that forge a post or deliver an update again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from emulators.telegram.waiting import Signal

from .world import ZaloBotUser, new_hex_id, update_of

SECRET_HEADER = "X-Bot-Api-Secret-Token"


class UserSide:
    """Mixed into :class:`FakeZaloBot`, whose users, queues, webhook and clock it uses."""

    users: dict[str, ZaloBotUser]
    pending: list[dict[str, Any]]
    delivered: list[dict[str, Any]]
    webhook_url: str | None
    webhook_secret: str | None
    base_url: str  # a property of FakeZaloBot
    host_media: Callable[[bytes, str, str], str]  # FakeZaloBot.host_media
    _changed: Signal
    _now_ms: Callable[[], int]

    def user(self, display_name: str) -> ZaloBotUser:
        user = ZaloBotUser(new_hex_id(), display_name)
        self.users[user.id] = user
        return user

    def block_bot(self, user: ZaloBotUser) -> None:
        user.blocked_bot = True

    async def user_sends_text(self, user: ZaloBotUser, text: str, *,
                              message_id: str | None = None) -> httpx.Response | None:
        """The person writes ``text``: posted to the webhook when one is set (its answer is
        returned), else kept for the next ``getUpdates``."""
        return await self.deliver(update_of(user, {"text": text}, "message.text.received",
                                            self._now_ms(), message_id))

    async def user_sends_image(self, user: ZaloBotUser, caption: str = "",
                               data: bytes | None = None) -> httpx.Response | None:
        """A photo: its URL in ``photo`` (served by ``GET /media/…`` when ``data`` is given;
        without it, a link whose file is gone: 404)."""
        photo = (self.host_media(data, ".jpg", "image/jpeg") if data is not None
                 else f"{self.base_url}/media/{new_hex_id()}.jpg")
        return await self.deliver(update_of(user, {"photo": photo, "caption": caption},
                                            "message.image.received", self._now_ms()))

    async def user_sends_sticker(self, user: ZaloBotUser) -> httpx.Response | None:
        return await self.deliver(update_of(user, {"sticker": new_hex_id()},
                                            "message.sticker.received", self._now_ms()))

    async def deliver(self, update: dict[str, Any]) -> httpx.Response | None:
        if self.webhook_url is None:
            self.pending.append(update)
            self._changed.notify()
            return None
        return await self.post_to_webhook(update, self.webhook_secret)

    async def deliver_again(self, message_id: str) -> httpx.Response | None:
        """The platform hands out an update it already delivered (no offset confirms one)."""
        update = next(u for u in self.delivered if u["message"]["message_id"] == message_id)
        return await self.deliver(update)

    async def post_to_webhook(self, update: dict[str, Any], secret: str | None
                              ) -> httpx.Response:
        """Post ``update`` as the platform does, with ``secret`` as the header (None: none)."""
        assert self.webhook_url is not None, "no webhook is set"
        self.delivered.append(update)
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        async with httpx.AsyncClient() as client:
            return await client.post(self.webhook_url, headers=headers,
                                     content=json.dumps({"ok": True, "result": update}))

