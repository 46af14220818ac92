"""The Zalo OA channel wired as the product will wire it, against the Zalo emulator over real
HTTP on 127.0.0.1: a token keeper on the test database, the API client, the Channel, and the
webhook receiver. The product's clock follows the emulator's time, so moving one moves both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from channels.zalo_oa.api import ZaloApi
from channels.zalo_oa.channel import ZaloOAChannel
from channels.zalo_oa.inbound import InboundEvent
from channels.zalo_oa.tokens import TokenKeeper
from channels.zalo_oa.webhook import ZaloWebhook
from emulators.zalo_oa import FakeZaloOA
from storage.db import Database

REFRESH_TOKEN_ENV = "ZALO_REFRESH_TOKEN"


class EmulatorClock:
    """The product's clock, reading the emulator's time (``FakeZaloOA.advance`` moves it)."""

    def __init__(self, zalo: FakeZaloOA) -> None:
        self._zalo = zalo

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._zalo.now(), UTC)


@dataclass
class Wired:
    keeper: TokenKeeper
    api: ZaloApi
    channel: ZaloOAChannel
    http: httpx.AsyncClient


@asynccontextmanager
async def zalo_channel(db: Database, zalo: FakeZaloOA, first_refresh_token: str, *,
                       api_base_url: str | None = None, read_timeout: float = 5.0
                       ) -> AsyncIterator[Wired]:
    """One process's Zalo channel (a new one after a "restart" shares only the database)."""
    http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=read_timeout))
    keeper = TokenKeeper(db, http, oauth_base_url=zalo.base_url, app_id=zalo.app_id,
                         app_secret=zalo.app_secret, oa_id=zalo.oa_id,
                         first_refresh_token=first_refresh_token,
                         refresh_token_env=REFRESH_TOKEN_ENV, clock=EmulatorClock(zalo))
    api = ZaloApi(http, api_base_url or zalo.base_url, keeper)
    try:
        yield Wired(keeper, api, ZaloOAChannel(api), http)
    finally:
        await http.aclose()


@dataclass
class Received:
    """What the webhook handed to the core; ``fail_next`` makes the handling fail once."""

    events: list[InboundEvent] = field(default_factory=list)
    fail_next: bool = False

    async def __call__(self, event: InboundEvent) -> None:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the core could not take the event")
        self.events.append(event)


@asynccontextmanager
async def zalo_webhook(db: Database, zalo: FakeZaloOA,
                       on_event: Callable[[InboundEvent], Awaitable[None]]
                       ) -> AsyncIterator[ZaloWebhook]:
    webhook = ZaloWebhook(db=db, app_id=zalo.app_id, oa_secret=zalo.oa_secret,
                          listen="127.0.0.1", port=0, path="/zalo/webhook", on_event=on_event,
                          clock=EmulatorClock(zalo))
    await webhook.start()
    zalo.webhook_url = webhook.url
    try:
        yield webhook
    finally:
        zalo.webhook_url = None
        await webhook.stop()


@asynccontextmanager
async def running_zalo() -> AsyncIterator[FakeZaloOA]:
    zalo = FakeZaloOA()
    await zalo.start()
    try:
        yield zalo
    finally:
        await zalo.stop()
    assert not zalo.internal_errors, zalo.internal_errors


