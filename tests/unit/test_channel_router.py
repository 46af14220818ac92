"""The router sends each address through the adapter of its own channel and answers what that
channel can do; an address on a channel this deployment does not run fails for good, saying
so: no crash, no retry, nothing marked gone (SPEC §13)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from bot.channel_router import ABSENT, ChannelRouter
from bot.config import load_config
from bot.runtime import prepare_storage
from broadcasts.desk import BulletinDesk
from channels.telegram import CAPABILITIES
from channels.telegram_addresses import address_of_chat
from core.address import TELEGRAM, Address
from core.outbound import ChannelNotConfigured, OutboundMessage
from storage import groups as group_store
from storage import outbox
from storage.schema import deliveries, groups
from storage.tips_tables import outbox as outbox_table
from tests.bulletin_seed import QUICK, RecordingChannel, link_groups
from tests.unit.test_delivery_engine import send_now, settle
from tips.anonymity import Anonymizer
from tips.notifier import Notifier

ZALO_GROUP = Address("zalo_oa", "group:1001")


def test_each_address_goes_through_its_own_channel():
    telegram, zalo = RecordingChannel(), RecordingChannel()
    zalo.capabilities = dataclasses.replace(CAPABILITIES, caption_limit=0, replies=False)
    router = ChannelRouter([(TELEGRAM, telegram), ("zalo_oa", zalo)])

    assert router.capabilities_for(address_of_chat(5)) is telegram.capabilities
    assert router.capabilities_for(ZALO_GROUP).caption_limit == 0
    assert router.capabilities_for(Address("sms", "x")) is ABSENT
    assert router.channels == (TELEGRAM, "zalo_oa")
    with pytest.raises(ValueError):
        router.register(TELEGRAM, RecordingChannel())


async def test_sends_are_routed_and_an_unconfigured_channel_fails_saying_so():
    telegram, zalo = RecordingChannel(), RecordingChannel()
    router = ChannelRouter([(TELEGRAM, telegram), ("zalo_oa", zalo)])

    await router.send(address_of_chat(5), OutboundMessage("a"))
    with pytest.raises(ChannelNotConfigured) as failed:
        await router.send(Address("sms", "sealed"), OutboundMessage("b"))

    assert [chat for chat, _ in telegram.sent] == [5]
    assert zalo.sent == []
    assert "sms" in failed.value.reason and "not configured" in failed.value.reason


async def test_a_notice_to_an_unconfigured_channel_fails_once_cleanly(db, clock):
    router = ChannelRouter([(TELEGRAM, RecordingChannel())])
    async with db.transaction() as conn:
        await outbox.enqueue(conn, payload={"text": "tin"}, now=clock.now(), address=ZALO_GROUP)
    notifier = Notifier(db, router, Anonymizer(b"k" * 32), clock)

    await notifier.deliver_due()
    await notifier.deliver_due()

    async with db.reading() as conn:
        row = (await conn.execute(select(outbox_table.c.status, outbox_table.c.attempts,
                                         outbox_table.c.last_error))).one()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "channel zalo_oa is not configured"


async def test_a_bulletin_to_a_group_on_an_unconfigured_channel_fails_and_the_rest_go(
        write_config, clock):
    config = load_config(write_config(), {"BOT_TOKEN": "1:x"})
    db, directory = await prepare_storage(config, clock)
    groups_channel = RecordingChannel()
    # No pacer given: the engine paces each channel within its declared rate.
    desk = BulletinDesk(db=db, directory=directory, config=config, clock=clock,
                        delivery_channel=ChannelRouter([(TELEGRAM, groups_channel)]),
                        bot_username="ketnoi_antt_bot",
                        workers=2, policy=QUICK)
    try:
        [chat] = await link_groups(db, "TT-TANTHANH", 1, clock.now())
        async with db.transaction() as conn:
            await group_store.link_group(conn, ZALO_GROUP, "Nhóm Zalo Ấp 2", "TT-TANTHANH",
                                         address_of_chat(1), clock.now())
        await desk.start()
        await send_now(desk)
        await settle(desk)

        async with db.reading() as conn:
            states = {r.address: (r.status, r.last_error) for r in await conn.execute(
                select(groups.c.address, deliveries.c.status, deliveries.c.last_error)
                .join(groups, groups.c.id == deliveries.c.group_id))}
            zalo_group = await group_store.find_group(conn, ZALO_GROUP)
        assert [chat_id for chat_id, _ in groups_channel.sent] == [chat]
        assert states[address_of_chat(chat)][0] == "sent"
        assert states[ZALO_GROUP] == ("failed", "channel zalo_oa is not configured")
        assert zalo_group is not None and zalo_group.status == group_store.ACTIVE
    finally:
        await desk.stop()
        await db.close()


class ZaloLike(RecordingChannel):
    """Records sends by address (a Zalo address is no Telegram chat id)."""

    def __init__(self) -> None:
        super().__init__()
        self.capabilities = dataclasses.replace(CAPABILITIES, deep_links=False,
                                                caption_limit=2000)
        self.to: list[tuple[Address, OutboundMessage]] = []

    async def send(self, to: Address, message: OutboundMessage) -> int:
        self.to.append((to, message))
        return 1


async def test_each_groups_copy_is_drawn_for_its_own_channel(write_config, clock):
    config = load_config(write_config(), {"BOT_TOKEN": "1:x"})
    db, directory = await prepare_storage(config, clock)
    telegram, zalo = RecordingChannel(), ZaloLike()
    desk = BulletinDesk(db=db, directory=directory, config=config, clock=clock,
                        delivery_channel=ChannelRouter([(TELEGRAM, telegram), ("zalo_oa", zalo)]),
                        bot_username="ketnoi_antt_bot",
                        workers=2, policy=QUICK)
    try:
        await link_groups(db, "TT-TANTHANH", 1, clock.now())
        async with db.transaction() as conn:
            await group_store.link_group(conn, ZALO_GROUP, "Nhóm Zalo Ấp 2", "TT-TANTHANH",
                                         address_of_chat(1), clock.now())
        await desk.start()
        submitted = await send_now(desk)
        await settle(desk)

        [(_, on_telegram)] = telegram.sent
        [(to, on_zalo)] = zalo.to
        assert to == ZALO_GROUP
        starts = [[b.start for row in m.buttons for b in row] for m in (on_telegram, on_zalo)]
        # Telegram draws the "Báo tin" deep link; a channel without deep links is not offered it.
        assert starts == [[f"tip-b{submitted.bulletin.id}", None], [None]]
    finally:
        await desk.stop()
        await db.close()
