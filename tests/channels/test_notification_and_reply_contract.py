"""Quiet sends and replies: a bulletin in quiet hours arrives without a sound (SPEC §5), and a
part of a tip arrives as a reply to the tip's notice (SPEC §12), where the channel has them."""

from __future__ import annotations

from core.outbound import OutboundMessage

from .channel_under_test import ChannelUnderTest
from .contract import contract_for, recipient


@contract_for(silent_sends=True)
async def test_a_silent_send_arrives_without_a_sound_and_a_plain_one_with_it(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)

    await channel.adapter.send(to, OutboundMessage("Bản tin lúc 22 giờ", silent=True))
    await channel.adapter.send(to, OutboundMessage("Cảnh báo khẩn", silent=False))

    assert [arrived.silent for arrived in channel.received(to)] == [True, False]


@contract_for(replies=True)
async def test_a_reply_arrives_as_a_reply_to_the_earlier_message(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    notice_id = await channel.adapter.send(to, OutboundMessage("Tin báo mới TIP-7K3M9Q"))

    await channel.adapter.send(to, OutboundMessage("TIP-7K3M9Q (2/3): ảnh",
                                                   reply_to_message_id=notice_id))

    notice, part = channel.received(to)
    assert notice.reply_to is None
    assert part.reply_to == notice_id


@contract_for(replies=True)
async def test_a_reply_to_a_message_no_longer_there_still_arrives(
    channel: ChannelUnderTest,
) -> None:
    """An officer may have deleted the notice: the part still arrives, as a plain message."""
    to = recipient(channel)

    message_id = await channel.adapter.send(
        to, OutboundMessage("TIP-7K3M9Q (2/3): ảnh", reply_to_message_id=999_999))

    [part] = channel.received(to)
    assert part.id == message_id
    assert part.reply_to is None
