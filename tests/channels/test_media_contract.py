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


async def test_a_file_given_by_its_bytes_arrives_and_its_id_comes_back_or_is_refused(
    channel: ChannelUnderTest, captioned_kind: MediaKind,
) -> None:
    """A tipster's file the bot keeps (sent on Zalo, ``storage.tip_media``) goes to staff as
    bytes: a channel that uploads delivers it as that kind and hands back the id it gave the
    file (the next copy goes by it); one that does not refuses it with a reason. Never a
    message without its file."""
    to = recipient(channel)
    handed_back: list[str] = []
    media = Media(captioned_kind, data=b"\xff\xd8\xff\xe0 a kept copy \xff\xd9",
                  file_name="tin-bao.jpg", uploaded=handed_back.append)

    try:
        message_id = await channel.adapter.send(to, OutboundMessage("TIP-7K3M9Q", media=media))
    except Rejected as refused:
        assert refused.reason
        assert channel.received(to) == [] and handed_back == []
        return

    [arrived] = channel.received(to)
    assert arrived.id == message_id and arrived.text == "TIP-7K3M9Q"
    assert arrived.media is not None and arrived.media.kind is captioned_kind
    assert handed_back == [arrived.media.file_id] and handed_back[0]
