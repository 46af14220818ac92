"""Text: what fits arrives whole as one message; what does not arrives whole in labelled parts,
in order, cut by the channel's own splitting (``Channel.parts_of``, which the outbox uses; SPEC
§12: a question of any length arrives whole); nothing is ever cut silently."""

from __future__ import annotations

import pytest

from core.capabilities import utf16_length as text_length
from core.outbound import OutboundMessage, Rejected

from .channel_under_test import ChannelUnderTest
from .contract import contract_for, recipient, same_words, text_of_length

LABEL = "TIP-7K3M9Q"


@contract_for(text_as_written=True)
async def test_a_text_at_the_channels_limit_arrives_whole_as_one_message(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    text = text_of_length(channel.adapter.text_limit)
    message = OutboundMessage(text, label=LABEL)
    assert channel.adapter.parts_of(message) == [message]

    message_id = await channel.adapter.send(to, message)

    [arrived] = channel.received(to)
    assert arrived.id == message_id
    assert arrived.text == text


@contract_for(text_as_written=True)
async def test_a_longer_text_arrives_whole_in_labelled_parts_in_order(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    limit = channel.adapter.text_limit
    text = text_of_length(2 * limit + limit // 2)
    parts = channel.adapter.parts_of(OutboundMessage(text, label=LABEL))
    assert len(parts) == 3

    sent_ids = [await channel.adapter.send(to, part) for part in parts]

    arrived = channel.received(to)
    assert [a.id for a in arrived] == sent_ids
    assert [a.text for a in arrived] == [part.text for part in parts]  # each part whole
    assert all(text_length(a.text) <= limit for a in arrived)
    headers = [f"{LABEL} ({number}/3)\n" for number in (1, 2, 3)]
    assert [a.text[:len(h)] for a, h in zip(arrived, headers, strict=True)] == headers
    bodies = [a.text[len(h):] for a, h in zip(arrived, headers, strict=True)]
    assert same_words(" ".join(bodies)) == same_words(text)


@contract_for(text_as_written=True)
async def test_a_text_over_the_limit_sent_as_one_message_is_refused_never_cut(
    channel: ChannelUnderTest,
) -> None:
    """The adapter never shortens a text: the caller splits (``parts_of``); a text that was
    not split is refused for good, with the platform's reason."""
    to = recipient(channel)
    text = text_of_length(channel.adapter.text_limit + 1, emoji=False)

    with pytest.raises(Rejected) as refused:
        await channel.adapter.send(to, OutboundMessage(text))

    assert refused.value.reason
    assert channel.received(to) == []
