"""The step before a send (``core.outbound.PreparesSends``; the delivery engine takes it before
a row is marked ``sending``, SPEC §12): on every channel, preparing a message sends nothing to
anyone, and the prepared message then arrives as the message itself would have. A channel
without the step hands the message back as it is (``prepared_for``)."""

from __future__ import annotations

from core.outbound import MediaKind, OutboundMessage, prepared_for

from .channel_under_test import ChannelUnderTest
from .contract import as_arriving, recipient

WORDS = "Công an xã Tân Thành đề nghị bà con cảnh giác với kẻ gian giả danh cán bộ điện lực."


async def test_preparing_a_text_sends_nothing_and_the_prepared_text_arrives(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)

    prepared = await prepared_for(channel.adapter, to, OutboundMessage(WORDS))
    assert channel.requests_for(to) == 0 and channel.received(to) == []
    message_id = await channel.adapter.send(to, prepared)

    [arrived] = channel.received(to)
    assert arrived.id == message_id
    assert arrived.text == as_arriving(channel, WORDS)


async def test_preparing_a_captioned_file_sends_nothing_and_the_prepared_file_arrives(
    channel: ChannelUnderTest, captioned_kind: MediaKind,
) -> None:
    to = recipient(channel)
    media = channel.media_sample(captioned_kind)

    prepared = await prepared_for(channel.adapter, to, OutboundMessage(WORDS, media=media))
    assert channel.requests_for(to) == 0 and channel.received(to) == []
    message_id = await channel.adapter.send(to, prepared)

    [arrived] = channel.received(to)
    assert arrived.id == message_id
    assert arrived.media == media
    assert arrived.text == WORDS
