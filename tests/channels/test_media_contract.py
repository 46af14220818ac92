"""Media: each kind the channel declares arrives as that kind, with its caption up to the
channel's caption limit (SPEC §12: every item of a tip reaches staff); a caption too long and a
kind the channel cannot carry are refused with a reason, never cut, dropped or sent as
something else."""

from __future__ import annotations

import pytest

from core.outbound import (
    ChatMoved,
    Media,
    MediaKind,
    OutboundMessage,
    Rejected,
    RetryLater,
    SendFailure,
    TransientFailure,
)

from .channel_under_test import ChannelUnderTest
from .contract import contract_for, recipient, text_of_length


async def test_each_captioned_media_kind_arrives_with_a_caption_at_the_limit(
    channel: ChannelUnderTest, captioned_kind: MediaKind,
) -> None:
    to = recipient(channel)
    media = channel.media_sample(captioned_kind)
    caption = text_of_length(channel.capabilities.caption_limit)

    message_id = await channel.adapter.send(to, OutboundMessage(caption, media=media))

    [arrived] = channel.received(to)
    assert arrived.id == message_id
    assert arrived.media == media
    assert arrived.text == caption


async def test_each_uncaptioned_media_kind_arrives(
    channel: ChannelUnderTest, uncaptioned_kind: MediaKind,
) -> None:
    """Kinds the channel carries with no text beside them (a tip's label goes before them)."""
    to = recipient(channel)
    media = channel.media_sample(uncaptioned_kind)

    message_id = await channel.adapter.send(to, OutboundMessage("", media=media))

    [arrived] = channel.received(to)
    assert arrived.id == message_id
    assert arrived.media == media
    assert arrived.text == ""


async def test_a_caption_over_the_limit_is_refused_never_cut(
    channel: ChannelUnderTest, captioned_kind: MediaKind,
) -> None:
    """Captions are not split (``split_message``): whoever writes one keeps it short, and the
    adapter refuses a longer one rather than shorten it."""
    to = recipient(channel)
    media = channel.media_sample(captioned_kind)
    caption = text_of_length(channel.capabilities.caption_limit + 1, emoji=False)

    with pytest.raises(Rejected) as refused:
        await channel.adapter.send(to, OutboundMessage(caption, media=media))

    assert refused.value.reason
    assert channel.received(to) == []


@contract_for(media_as_text=False)
async def test_a_media_kind_the_channel_cannot_carry_is_refused_with_a_reason(
    channel: ChannelUnderTest, refused_kind: MediaKind,
) -> None:
    to = recipient(channel)
    media = Media(refused_kind, "10.4603,105.6329" if refused_kind is MediaKind.LOCATION
                  else "a-file-this-channel-cannot-carry")

    with pytest.raises(SendFailure) as refused:
        await channel.adapter.send(to, OutboundMessage("Ảnh hiện trường", media=media))

    assert not isinstance(refused.value, (RetryLater, TransientFailure, ChatMoved))
    assert refused.value.reason
    assert channel.received(to) == []
