"""Zalo's side of the OA webhook: a user writing to the OA (or in an OA group), posted to the
bot's webhook signed as Zalo signs it (``events``); and raw posting, for tests that forge,
tamper with or replay an event.

A person who writes without following the OA (``FakeZaloOA.anonymous_person``) sends the same
things as ``anonymous_send_*`` events: ``sender.id`` their anonymous id, and
``message.conversation_id`` the conversation the OA answers them in (Zalo's webhook
documentation, developers.zalo.me/docs/official-account/webhook, "Người dùng ẩn danh": "dùng
``conversation_id`` thay vì user thường … Body có thêm ``message.conversation_id``"; event names
``anonymous_send_text|image|file|sticker``).

Attachments are those of the same page's table: ``image`` ``{thumbnail, url}``, ``audio``
``{url}`` (an ``.amr`` recording), ``video`` ``{thumbnail, description, url}``, ``file``
``{size, name, checksum (MD5), type, url}``, ``location`` ``{coordinates: {latitude,
longitude}}``; public typed clients read the same fields (e.g. ``trungndpc/CorporateServer``
``UserSendMessageEvent.Payload``: ``thumbnail, url, description, id, type, checksum``;
``hodachuy/AccentVietNameseandChatbot`` ``MessageAttachmentPayLoadZalo``: ``url, size, name,
checksum, type``). An image may come with words (``message.text``), as a caption. The URLs point
at the emulator (``FakeZaloOA.host_media``), which serves the bytes as Zalo's CDN does; a link
whose file is gone (:meth:`UserActions.user_sends_broken_link`) answers 404."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import httpx

from .events import SIGNATURE_HEADER, event_body, zevent_signature
from .world import ZaloGroup, ZaloUser, new_hex_id

# The smallest JPEG a viewer accepts as one (start and end of image), for images whose bytes a
# test does not care about.
MINIMAL_JPEG = b"\xff\xd8\xff\xd9"


class UserActions:
    """Mixed into :class:`FakeZaloOA`, whose app, OA, secret, clock and webhook URL it uses."""

    app_id: str
    oa_id: str
    oa_secret: str
    webhook_url: str | None
    base_url: str  # a property of FakeZaloOA
    now: Callable[[], float]  # the emulator's time
    host_media: Callable[[bytes, str, str], str]  # FakeZaloOA.host_media

    async def user_sends_text(self, user: ZaloUser, text: str) -> httpx.Response | None:
        return await self._user_event(user, "user_send_text", {"text": text})

    async def user_sends_image(self, user: ZaloUser, caption: str = "",
                               data: bytes = MINIMAL_JPEG, content_type: str = "image/jpeg"
                               ) -> httpx.Response | None:
        suffix = ".png" if content_type == "image/png" else ".jpg"
        url = self.host_media(data, suffix, content_type)
        return await self._user_event(user, "user_send_image", {"text": caption, "attachments": [
            {"type": "image", "payload": {"url": url, "thumbnail": url}}]})

    async def user_sends_video(self, user: ZaloUser, data: bytes
                               ) -> httpx.Response | None:
        url = self.host_media(data, ".mp4", "video/mp4")
        return await self._user_event(user, "user_send_video", {"attachments": [
            {"type": "video", "payload": {"url": url, "thumbnail": url, "description": ""}}]})

    async def user_sends_broken_link(self, user: ZaloUser, kind: str = "image"
                                     ) -> httpx.Response | None:
        """An attachment whose link no longer serves the file (the CDN answers 404)."""
        url = f"{self.base_url}/media/{new_hex_id()}.jpg"
        return await self._user_event(user, f"user_send_{kind}", {"attachments": [
            {"type": kind, "payload": {"url": url}}]})

    async def user_sends_file(self, user: ZaloUser, data: bytes, name: str,
                              content_type: str = "application/octet-stream"
                              ) -> httpx.Response | None:
        """A file as Zalo's attachment describes one: ``{size, name, checksum (MD5), type,
        url}`` (``type`` the name's extension)."""
        url = self.host_media(data, "." + name.rpartition(".")[2], content_type)
        return await self._user_event(user, "user_send_file", {"attachments": [
            {"type": "file", "payload": {"url": url, "name": name, "size": str(len(data)),
                                         "checksum": hashlib.md5(data).hexdigest(),
                                         "type": name.rpartition(".")[2]}}]})

    async def user_sends_audio(self, user: ZaloUser, data: bytes) -> httpx.Response | None:
        """A voice message: Zalo links an ``.amr`` recording."""
        url = self.host_media(data, ".amr", "audio/amr")
        return await self._user_event(user, "user_send_audio", {"attachments": [
            {"type": "audio", "payload": {"url": url}}]})

    async def user_sends_location(self, user: ZaloUser, latitude: float, longitude: float
                                  ) -> httpx.Response | None:
        return await self._user_event(user, "user_send_location", {"attachments": [
            {"type": "location", "payload": {"coordinates": {
                "latitude": str(latitude), "longitude": str(longitude)}}}]})

    async def user_sends_group_text(self, user: ZaloUser, group: ZaloGroup, text: str
                                    ) -> httpx.Response | None:
        return await self.post_event(self.signed_event(
            "user_send_group_text", user.id, group.id, {"text": text}))

    async def _user_event(self, user: ZaloUser, event_name: str, message: dict[str, Any]
                          ) -> httpx.Response | None:
        user.last_message_at = self.now()
        if user.conversation_id:  # not a follower: Zalo names the conversation in each event
            event_name = event_name.replace("user_send_", "anonymous_send_", 1)
            message = {**message, "conversation_id": user.conversation_id}
        return await self.post_event(self.signed_event(event_name, user.id, self.oa_id, message))

    def signed_event(self, event_name: str, sender_id: str, recipient_id: str,
                     message: dict[str, Any], *, msg_id: str | None = None,
                     timestamp_ms: int | None = None) -> tuple[bytes, dict[str, str]]:
        """An event's body and headers, signed as Zalo signs them."""
        message = {"msg_id": msg_id or new_hex_id(), **message}
        stamp = timestamp_ms if timestamp_ms is not None else int(self.now() * 1000)
        body = event_body(app_id=self.app_id, event_name=event_name, sender_id=sender_id,
                          recipient_id=recipient_id, message=message, timestamp_ms=stamp)
        signature = zevent_signature(self.app_id, body, str(stamp), self.oa_secret)
        return body, {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}

    async def post_event(self, event: tuple[bytes, dict[str, str]]) -> httpx.Response | None:
        """Post an event (possibly tampered with by the test) to the webhook, if one is set."""
        if self.webhook_url is None:
            return None
        body, headers = event
        async with httpx.AsyncClient() as client:
            return await client.post(self.webhook_url, content=body, headers=headers)

