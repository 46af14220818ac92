"""Drawing for the channel: what the product draws from the adapter's own declaration
(``ChannelAdapter.capabilities``, ``core.capabilities``) arrives whole on that channel.

The declaration is the one the core reads its limits from, so it must agree with what the
channel does. A tip's photo with a caption at the channel's caption limit arrives as one
captioned message, one over it as the file then the words (nothing cut). A deep link
(``Button.start``) arrives as the platform's link into a private chat with the bot (an adapter
that cannot draw one declares ``deep_links`` False, and the core then offers none). Where the
channel has no buttons, the choices arrive as the numbered lines of
``channels.numbered_choices``, and a typed number stands for the choice."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from channels.numbered_choices import chosen_callback, numbered_text
from core.capabilities import ButtonStyle
from core.i18n import Translator
from core.outbound import Button, MediaKind, OutboundMessage
from storage.tip_records import Assessment, ItemKind, Tip, TipItem, TipState
from tips.anonymity import Anonymizer
from tips.notices import NoticeWords, new_tip_messages

from .channel_under_test import Address, ChannelUnderTest
from .contract import contract_for, same_words, text_of_length

TIP = Tip(7, "TIP-7K3M9Q", "TT", "other", "p", Assessment.UNASSESSED, TipState.OPEN,
          datetime(2026, 3, 5, 1, 0, tzinfo=UTC), None, None)
WORDS = NoticeWords(Translator("vi"), Anonymizer(b"k" * 32), ZoneInfo("Asia/Ho_Chi_Minh"),
                    unit_name=lambda code: "Xã Tân Thành", category_label=lambda key: "Khác")
LABEL = "📎 TIP-7K3M9Q — tệp 1/1: ảnh"
TEXT = "Bản tin an ninh tuần này: cảnh giác với lừa đảo qua điện thoại."


def test_the_adapters_declaration_agrees_with_the_contract(channel: ChannelUnderTest) -> None:
    declared = channel.adapter.capabilities
    claims = channel.capabilities
    assert declared.caption_limit == claims.caption_limit
    assert declared.buttons is claims.buttons
    assert declared.media == claims.media_kinds
    assert (declared.silent_sends, declared.replies, declared.edits, declared.deep_links) == (
        claims.silent_sends, claims.replies, claims.edits, claims.deep_links)
    assert declared.text_limit == channel.adapter.text_limit
    assert claims.photos == (MediaKind.PHOTO in declared.media)


async def _send_tip(channel: ChannelUnderTest, to: Address, caption: str) -> None:
    """A tip with a photo, drawn for the channel and sent to ``to`` as the outbox sends it."""
    media = channel.media_sample(MediaKind.PHOTO)
    items = [TipItem(ItemKind.PHOTO, caption, media.file_id)]
    drawn = new_tip_messages(WORDS, TIP, items, channel.adapter.capabilities)
    for message in drawn:
        for part in channel.adapter.parts_of(message):
            await channel.adapter.send(to, part)


@contract_for(sends_to_groups=False, photos=True, media_as_text=False)
async def test_a_tips_caption_at_the_channels_limit_arrives_with_its_file(
    channel: ChannelUnderTest,
) -> None:
    limit = channel.adapter.capabilities.caption_limit
    measure = channel.adapter.capabilities.measure
    # No emoji: a length the same in every channel's measure (code points or UTF-16 units).
    caption = text_of_length(limit - measure(LABEL) - 1, emoji=False)
    to = channel.person()

    await _send_tip(channel, to, caption)

    notice, photo = channel.received(to)
    assert "TIP-7K3M9Q" in notice.text
    assert photo.media is not None and photo.media.kind is MediaKind.PHOTO
    assert photo.text == f"{LABEL}\n{caption}"
    assert measure(photo.text) == limit


@contract_for(sends_to_groups=False, photos=True, media_as_text=False)
async def test_a_tips_caption_over_the_channels_limit_arrives_whole_after_its_file(
    channel: ChannelUnderTest,
) -> None:
    limit = channel.adapter.capabilities.caption_limit
    caption = text_of_length(limit - channel.adapter.capabilities.measure(LABEL), emoji=False)
    to = channel.person()

    await _send_tip(channel, to, caption)

    _notice, photo, *words = channel.received(to)
    assert photo.media is not None and photo.text == LABEL
    assert words and all(w.media is None and "TIP-7K3M9Q" in w.text for w in words)
    shown = " ".join(w.text.split("\n", 1)[1] for w in words)
    assert same_words(shown) == same_words(caption)


@contract_for(deep_links=True)
async def test_a_deep_link_arrives_as_the_platforms_link_into_a_chat_with_the_bot(
    channel: ChannelUnderTest,
) -> None:
    to = channel.group()
    buttons = ((Button("Báo tin", start="tip_b7"),), (Button("Đã phổ biến", callback="ack:7"),))

    await channel.adapter.send(to, OutboundMessage(TEXT, buttons=buttons))

    [arrived] = channel.received(to)
    assert arrived.buttons == ((Button("Báo tin", url=channel.deep_link("tip_b7")),),
                               (Button("Đã phổ biến", callback="ack:7"),))


@contract_for(buttons=ButtonStyle.NONE, text_as_written=True)
async def test_without_buttons_the_choices_arrive_as_the_numbered_lines_drawn_for_them(
    channel: ChannelUnderTest,
) -> None:
    to = channel.person()
    buttons = ((Button("Có giá trị", callback="tt:v:7:x"), Button("Không", callback="tt:n:7:x")),)

    await channel.adapter.send(to, OutboundMessage(TEXT, buttons=buttons))

    [arrived] = channel.received(to)
    assert arrived.text == numbered_text(Translator("vi"), TEXT, buttons)
    assert chosen_callback("2", buttons) == "tt:n:7:x"
