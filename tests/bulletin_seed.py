"""Seeding for bulletin tests: a unit tree, linked groups, a desk wired to a recording channel."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update

from bot.config import load_config
from bot.runtime import prepare_storage
from broadcasts import bulletins as rules
from broadcasts.bulletins import Action, Content, Planned
from broadcasts.delivery import RetryPolicy
from broadcasts.desk import BulletinDesk
from broadcasts.pacing import SendPacer
from channels.telegram import CAPABILITIES
from channels.telegram_addresses import address_of_chat, chat_id_of
from core.address import Address
from core.capabilities import Capabilities
from core.clock import ManualClock
from core.outbound import Button, OutboundMessage
from storage import groups as group_store
from storage import outbox
from storage.db import Database
from storage.schema import deliveries
from storage.tips_tables import outbox as outbox_table
from tips.notice_drawing import message_from_payload

OFFICER, EDITOR, OTHER_OFFICER, ADMIN = 900000002, 900000004, 900000003, 900000001
# Fast retries: the policy's shape is what is tested, not its real-world pauses.
QUICK = RetryPolicy(network_attempts=4, backoff_first=0.001, backoff_cap=0.002)


async def link_groups(db: Database, unit_code: str, count: int, now: datetime,
                      first_chat_id: int = -1000) -> list[int]:
    chat_ids = [first_chat_id - n for n in range(count)]
    async with db.transaction() as conn:
        for n, chat_id in enumerate(chat_ids):
            await group_store.link_group(conn, address_of_chat(chat_id),
                                         f"Tổ {unit_code} {n + 1}", unit_code,
                                         address_of_chat(1), now)
    return chat_ids


WITH_DEEP_LINKS = dataclasses.replace(CAPABILITIES, deep_links=True)


@dataclass
class RecordingChannel:
    """A channel that records sends and raises scripted failures per chat, first to last.
    Like the Telegram adapter, it speaks chat ids: an address is turned into one on the way in."""

    failures: dict[int, list[Exception]] = field(default_factory=lambda: defaultdict(list))
    sent: list[tuple[int, OutboundMessage]] = field(default_factory=list)
    hold: asyncio.Event | None = None  # when set: every send waits for it (a request in flight)
    next_id: int = 100
    # Telegram's, with its deep links (the adapter the product wires has the bot's username).
    capabilities: Capabilities = WITH_DEEP_LINKS

    def capabilities_for(self, to: Address) -> Capabilities:
        return self.capabilities

    def parts_for(self, to: Address, message: OutboundMessage) -> list[OutboundMessage]:
        return [message]

    async def send(self, to: Address, message: OutboundMessage) -> int:
        chat_id = chat_id_of(to)
        if self.hold is not None:
            await self.hold.wait()
        if self.failures.get(chat_id):
            raise self.failures[chat_id].pop(0)
        self.sent.append((chat_id, message))
        self.next_id += 1
        return self.next_id

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        return None

    def copies(self, chat_id: int) -> int:
        return sum(1 for c, _ in self.sent if c == chat_id)


async def make_desk(config_path: Path, clock: ManualClock, *, workers: int = 4,
                    pacer: SendPacer | None = None) -> tuple[BulletinDesk, RecordingChannel,
                                                             RecordingChannel]:
    """A desk over the test config's units and staff, with recording channels."""
    config = load_config(config_path, {"BOT_TOKEN": "1:x"})
    db, directory = await prepare_storage(config, clock)
    groups_channel, staff_channel = RecordingChannel(), RecordingChannel()
    desk = BulletinDesk(db=db, directory=directory, config=config, clock=clock,
                        delivery_channel=groups_channel,
                        bot_username="ketnoi_antt_bot", workers=workers,
                        pacer=pacer or SendPacer(1000, 1000), policy=QUICK)
    _STAFF_CHANNELS[desk] = staff_channel
    return desk, groups_channel, staff_channel


@asynccontextmanager
async def open_desk(config_path: Path, clock: ManualClock, *, start: bool = False,
                    ) -> AsyncIterator[tuple[BulletinDesk, RecordingChannel, RecordingChannel]]:
    """A desk from :func:`make_desk` (its engine started when ``start``: a test that starts it
    itself may start it later), stopped and its database closed after."""
    desk, groups_channel, staff_channel = await make_desk(config_path, clock)
    if start:
        await desk.start()
    try:
        yield desk, groups_channel, staff_channel
    finally:
        await desk.stop()
        await desk.db.close()


async def send_now_cut_by_a_crash(desk: BulletinDesk, clock: ManualClock) -> Planned:
    """What a crash in the middle of a send-now leaves: the officer's bulletin to every group of
    TT-TANTHANH planned, the first copy's request gone out (its row ``sending``) and never
    answered, no other copy sent."""
    member = desk.directory.staff_member(address_of_chat(OFFICER))
    bulletin = await rules.create_bulletin(desk.db, member, "TT-TANTHANH", "theft",
                                           Content("Trộm xe máy"), Action.SEND_NOW, clock.now())
    planned = await rules.plan_direct_send(desk.db, desk.directory.tree, bulletin, "now",
                                           address_of_chat(OFFICER), clock.now())
    async with desk.db.transaction() as conn:
        await conn.execute(update(deliveries).where(deliveries.c.id == planned.delivery_ids[0])
                           .values(status="sending", attempts=1))
    return planned


# The recording staff channel of each desk ``make_desk`` built: where its outbox notices go.
_STAFF_CHANNELS: weakref.WeakKeyDictionary[BulletinDesk, RecordingChannel] = \
    weakref.WeakKeyDictionary()


async def deliver_staff_notices(desk: BulletinDesk) -> None:
    """What the outbox worker (``tips.notifier``) does, at once and without its pacing: each
    pending staff notice in the outbox goes to the desk's recording staff channel, in order,
    and is marked sent. Notices the desk queues (summaries, approval requests) land there; a
    desk a test built itself gets a recording channel of its own here."""
    staff = _STAFF_CHANNELS.setdefault(desk, RecordingChannel())
    async with desk.db.transaction() as conn:
        rows = (await conn.execute(
            select(outbox_table.c.id, outbox_table.c.address, outbox_table.c.payload)
            .where(outbox_table.c.status == outbox.PENDING,
                   outbox_table.c.address.is_not(None))
            .order_by(outbox_table.c.id))).all()
        for row in rows:
            await staff.send(row.address, message_from_payload(json.loads(row.payload)))
            await outbox.mark_sent(conn, row.id, desk.clock.now())


async def settle(desk: BulletinDesk) -> None:
    """The delivery engine has nothing left to do, and staff got what it queued for them."""
    await asyncio.wait_for(desk.engine.idle.wait(), 10)
    await deliver_staff_notices(desk)
