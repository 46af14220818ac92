"""Zalo OA in the contract suite: ``channels.zalo_oa`` (its own httpx client, token keeper on a
SQLite database of the test's own) against the Zalo emulator (``emulators.zalo_oa``) over real
HTTP on 127.0.0.1.

Two send paths, as the product will have them: ``outbox`` sends consultation messages to a
person who wrote to the OA (within Zalo's 7-day reply window), ``bulletins`` sends GMF messages
to an OA group. Both wait :data:`ANSWER_WAIT` for an answer, so a late one times out quickly.

Where Zalo differs from the suite's two button clauses: its buttons send a text back
(``oa.query.hide``, ``core.capabilities.ButtonStyle.TEXT_REPLY``) or open a link, and sit one
per line with no rows; GMF group messages have none. Zalo declares ``buttons`` as that third
style, so both clauses (rows of callback buttons; numbered lines instead of buttons) are skipped
for it with the reason; its buttons are tested in ``tests/e2e/test_zalo_oa_sending.py`` and
``tests/unit/test_zalo_failures.py``. Zalo names no wait in its rate-limit refusal (-32): the
adapter's own wait is checked by the clause for ``retry_after=False``.
"""

from __future__ import annotations

import atexit
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from channels.zalo_oa.addresses import RecipientKind, group_address, recipient_of, user_address
from channels.zalo_oa.api import ZaloApi
from channels.zalo_oa.channel import CAPABILITIES as ZALO_CAPABILITIES
from channels.zalo_oa.channel import ZaloOAChannel, message_number
from channels.zalo_oa.tokens import TokenKeeper
from core.capabilities import ButtonStyle
from core.clock import SystemClock
from core.outbound import Button, Channel, Media, MediaKind
from emulators.zalo_oa import FakeZaloOA
from storage.db import Database, open_database
from storage.migrate import upgrade_to_head

from .channel_under_test import (
    Address,
    Arrived,
    Capabilities,
    ChannelEntry,
    Refusal,
    SendPath,
    ServerError,
)

ANSWER_WAIT = 1.0
LATE_BY = ANSWER_WAIT + 0.5
FLOOD_ANSWERS = 100

OUTBOX = SendPath("outbox", uncertain_when_unanswered=False, sends_to_groups=False)
BULLETINS = SendPath("bulletins", uncertain_when_unanswered=True, sends_to_groups=True)

CAPABILITIES = Capabilities(
    buttons=ButtonStyle.TEXT_REPLY,  # a third style: see above
    media_kinds=ZALO_CAPABILITIES.media,
    uncaptioned_kinds=frozenset({MediaKind.DOCUMENT}),
    caption_limit=ZALO_CAPABILITIES.caption_limit,
    silent_sends=False,
    replies=False,
    edits=False,
    moving_chats=False,
    deep_links=False,  # https://zalo.me/<oa_id> opens the OA's chat, with no payload
    retry_after=False,
)

REFUSAL_WORDS: Mapping[Refusal, str] = {
    Refusal.BLOCKED: "user has not followed oa",
    Refusal.UNKNOWN: "user_id is invalid",
    Refusal.GONE: "group_id is invalid",
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _target(recipient: Address) -> str:
    found = recipient_of(recipient)
    return f"{found.kind}:{found.id}"


def _media(message: dict[str, Any]) -> Media | None:
    attachment = message.get("attachment") or {}
    payload = attachment.get("payload") or {}
    if attachment.get("type") == "file":
        return Media(MediaKind.DOCUMENT, payload["token"])
    if payload.get("template_type") == "media":
        element = payload["elements"][0]
        return Media(MediaKind.PHOTO, element.get("attachment_id") or element["url"])
    return None


def _buttons(message: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
    payload = (message.get("attachment") or {}).get("payload") or {}
    return tuple((Button(b["title"], url=b["payload"]["url"]) if b["type"] == "oa.open.url"
                  else Button(b["title"], callback=b["payload"]),)
                 for b in payload.get("buttons", []))


class ZaloUnderTest:
    name = "zalo_oa"
    capabilities = CAPABILITIES

    def __init__(self, zalo: FakeZaloOA, db: Database, path: SendPath) -> None:
        self.refusal_words = REFUSAL_WORDS
        self.zalo = zalo
        self.path = path
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(ANSWER_WAIT))
        self._keeper = TokenKeeper(
            db, self._http, oauth_base_url=zalo.base_url, app_id=zalo.app_id,
            app_secret=zalo.app_secret, oa_id=zalo.oa_id,
            first_refresh_token=zalo.first_refresh_token(),
            refresh_token_env="ZALO_REFRESH_TOKEN", clock=SystemClock())
        self.adapter: Channel = self._adapter(zalo.base_url)

    def _adapter(self, api_base_url: str) -> Channel:
        return ZaloOAChannel(ZaloApi(self._http, api_base_url, self._keeper))

    def unreachable_adapter(self) -> Channel:
        return self._adapter(f"http://127.0.0.1:{_closed_port()}")

    async def start(self) -> None:
        await self._keeper.access_token()  # as at the bot's start: the first refresh

    async def close(self) -> None:
        await self._http.aclose()

    # ---- the scene ----------------------------------------------------------------------
    def person(self) -> Address:
        """Someone who wrote to the OA a moment ago: inside the reply window."""
        user = self.zalo.user("Trần Thị Công")
        user.last_message_at = self.zalo.now()
        return user_address(user.id)

    def group(self) -> Address:
        return group_address(self.zalo.group("Tổ tự quản Ấp 1", members=40).id)

    def unknown_address(self) -> Address:
        return user_address("3999999999999999999")

    def media_sample(self, kind: MediaKind) -> Media:
        """A file the OA uploaded (Zalo sends media by its upload's id or token)."""
        if kind is MediaKind.PHOTO:
            return Media(kind, self.zalo.upload_image())
        if kind is MediaKind.DOCUMENT:
            return Media(kind, self.zalo.upload_file())
        raise AssertionError(f"Zalo carries no {kind}")

    # ---- what reached a recipient -------------------------------------------------------
    def received(self, recipient: Address) -> list[Arrived]:
        return [Arrived(id=message_number(sent.message_id),
                        text=sent.message.get("text", ""), buttons=_buttons(sent.message),
                        media=_media(sent.message))
                for sent in self.zalo.sent_to(_target(recipient))]

    async def wait_until_received(self, recipient: Address, count: int) -> list[Arrived]:
        await self.zalo.wait_until_sent(_target(recipient), count)
        return self.received(recipient)

    def requests_for(self, recipient: Address) -> int:
        return self.zalo.requests_to(_target(recipient))

    # ---- faults -------------------------------------------------------------------------
    def block_bot(self, recipient: Address) -> None:
        """The person stops following the OA (Zalo's way of no longer hearing from it)."""
        self.zalo.unfollow(self.zalo.users[recipient_of(recipient).id])

    def delete_group(self, recipient: Address) -> None:
        found = recipient_of(recipient)
        assert found.kind is RecipientKind.GROUP
        self.zalo.delete_group(self.zalo.groups[found.id])

    def move_group(self, recipient: Address) -> Address:
        raise AssertionError("GMF groups keep their id")

    def flood(self, recipient: Address, seconds: int) -> None:
        # Zalo's refusal names no wait; ``seconds`` has no way to reach the adapter.
        self.zalo.inject_error(_target(recipient), -32, "Your application reached limit call api",
                               times=FLOOD_ANSWERS)

    def fail_next_send(self, recipient: Address, shape: ServerError) -> None:
        self.zalo.inject_server_error(_target(recipient), status=502 if shape is ServerError.FRONT
                                      else 500, html=shape is ServerError.FRONT)

    def answer_next_send_late(self, recipient: Address) -> None:
        self.zalo.inject_delay(_target(recipient), LATE_BY)


_MIGRATED: list[Path] = []  # one migrated database file, copied for each test


async def _migrated_database(folder: Path) -> Database:
    if not _MIGRATED:
        template = Path(tempfile.mkdtemp(prefix="zalo-contract-")) / "template.db"
        atexit.register(shutil.rmtree, template.parent, ignore_errors=True)
        db = open_database(f"sqlite+aiosqlite:///{template}")
        await upgrade_to_head(db)
        await db.close()
        _MIGRATED.append(template)
    shutil.copy(_MIGRATED[0], folder / "zalo.db")
    return open_database(f"sqlite+aiosqlite:///{folder / 'zalo.db'}")


@asynccontextmanager
async def open_zalo(path: SendPath) -> AsyncIterator[ZaloUnderTest]:
    zalo = FakeZaloOA()
    await zalo.start()
    with tempfile.TemporaryDirectory() as folder:
        db = await _migrated_database(Path(folder))
        under_test = ZaloUnderTest(zalo, db, path)
        try:
            await under_test.start()
            yield under_test
        finally:
            await under_test.close()
            await db.close()
            await zalo.stop()
    assert not zalo.internal_errors, zalo.internal_errors


ZALO_OA = ChannelEntry("zalo_oa", CAPABILITIES, (OUTBOX, BULLETINS), open_zalo)
