"""Text on a channel that draws it in its own alphabet (``text_as_written`` False: SMS, in GSM-7
without diacritics, SPEC §13): what fits arrives as one message, as drawn; what does not arrives
whole through ``parts_of`` (the outbox's way: an officer's question of any length, SPEC §12) in
labelled parts each within the limit, in order; sent whole in one message (a bulletin), it is
cut at the limit with "..." and never goes over it; choices arrive as numbered lines; a media
the channel cannot carry is left out and the text still arrives."""

from __future__ import annotations

from core.capabilities import ButtonStyle
from core.outbound import Button, Media, MediaKind, OutboundMessage

from .channel_under_test import ChannelUnderTest
from .contract import contract_for, recipient, same_words, text_of_length

LABEL = "TIP-7K3M9Q"
TEXT = "Bản tin an ninh tuần này: cảnh giác với lừa đảo qua điện thoại."


def _fits(channel: ChannelUnderTest, text: str) -> bool:
    return channel.adapter.capabilities.measure(text) <= channel.adapter.text_limit


@contract_for(text_as_written=False)
async def test_a_text_at_the_channels_limit_arrives_as_one_message_as_drawn(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    text = text_of_length(channel.adapter.text_limit, emoji=False)  # one septet a letter
    assert channel.adapter.capabilities.measure(text) == channel.adapter.text_limit
    message = OutboundMessage(text, label=LABEL)
    [part] = channel.adapter.parts_of(message)

    message_id = await channel.adapter.send(to, part)

    [arrived] = channel.received(to)
    assert arrived.id == message_id
    assert arrived.text == channel.drawn(text)


@contract_for(text_as_written=False)
async def test_a_longer_text_arrives_whole_in_labelled_parts_within_the_limit_in_order(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    limit = channel.adapter.text_limit
    text = text_of_length(2 * limit + limit // 2)
    parts = channel.adapter.parts_of(OutboundMessage(text, label=LABEL))
    assert len(parts) >= 3

    sent_ids = [await channel.adapter.send(to, part) for part in parts]

    arrived = channel.received(to)
    assert [a.id for a in arrived] == sent_ids
    assert [a.text for a in arrived] == [part.text for part in parts]  # nothing cut on the way
    assert all(_fits(channel, a.text) and not a.text.endswith("...") for a in arrived)
    headers = [f"{LABEL} ({number}/{len(parts)})\n" for number in range(1, len(parts) + 1)]
    assert [a.text[:len(h)] for a, h in zip(arrived, headers, strict=True)] == headers
    bodies = [a.text[len(h):] for a, h in zip(arrived, headers, strict=True)]
    assert same_words(" ".join(bodies)) == same_words(channel.drawn(text))


@contract_for(text_as_written=False)
async def test_a_text_over_the_limit_sent_as_one_message_is_cut_at_the_limit_with_a_mark(
    channel: ChannelUnderTest,
) -> None:
    """A bulletin sent whole (SPEC §13: cut to ``max_segments`` with "..."): never over the
    limit, never silently shorter."""
    to = recipient(channel)
    text = text_of_length(channel.adapter.text_limit + 40, emoji=False)

    await channel.adapter.send(to, OutboundMessage(text))

    [arrived] = channel.received(to)
    assert _fits(channel, arrived.text) and arrived.text.endswith("...")
    assert channel.drawn(text).startswith(arrived.text.removesuffix("...").rstrip())


@contract_for(text_as_written=False, buttons=ButtonStyle.NONE)
async def test_without_buttons_each_choice_arrives_as_a_numbered_line_as_drawn(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    buttons = ((Button("Có giá trị", callback="tt:v:7:x"), Button("Không", callback="tt:n:7:x")),
               (Button("Xem thêm", url="https://example.vn/tin"),))

    await channel.adapter.send(to, OutboundMessage(TEXT, buttons=buttons))

    [arrived] = channel.received(to)
    assert arrived.buttons == ()
    lines = arrived.text.splitlines()
    assert lines[0] == channel.drawn(TEXT)
    assert lines[1:] == [channel.drawn("1. Có giá trị"), channel.drawn("2. Không"),
                         "3. Xem them: https://example.vn/tin"]


@contract_for(media_as_text=True)
async def test_a_media_the_channel_cannot_carry_is_left_out_and_the_text_arrives(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    media = Media(MediaKind.PHOTO, "a-file-this-channel-cannot-carry")

    await channel.adapter.send(to, OutboundMessage(TEXT, media=media))

    [arrived] = channel.received(to)
    assert arrived.media is None and arrived.text == channel.drawn(TEXT)
