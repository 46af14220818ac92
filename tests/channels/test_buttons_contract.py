"""Choices: callback and URL buttons arrive as buttons where the channel has them, and as
numbered lines where it has not (SPEC §13: "buttons where they have them, numbered text
replies where they have not")."""

from __future__ import annotations

from core.capabilities import ButtonStyle
from core.outbound import Button, OutboundMessage

from .channel_under_test import ChannelUnderTest
from .contract import contract_for, recipient

TEXT = "Bản tin an ninh tuần này: cảnh giác với lừa đảo qua điện thoại."
BUTTONS = (
    (Button("Báo tin", url="https://t.me/ketnoi_antt_bot?start=tip_b7"),),
    (Button("Đã phổ biến", callback="ack:7"), Button("Xem lại", callback="view:7")),
)
NEW_BUTTONS = ((Button("Đã phổ biến (3)", callback="ack:7"),),)


@contract_for(buttons=ButtonStyle.CALLBACK)
async def test_callback_and_url_buttons_arrive_as_buttons(channel: ChannelUnderTest) -> None:
    to = recipient(channel)

    await channel.adapter.send(to, OutboundMessage(TEXT, buttons=BUTTONS))

    [arrived] = channel.received(to)
    assert arrived.text == TEXT
    assert arrived.buttons == BUTTONS


@contract_for(buttons=ButtonStyle.NONE, text_as_written=True)
async def test_without_buttons_each_choice_arrives_as_a_numbered_line(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)

    await channel.adapter.send(to, OutboundMessage(TEXT, buttons=BUTTONS))

    [arrived] = channel.received(to)
    assert arrived.buttons == ()
    assert arrived.text.startswith(TEXT)
    lines = arrived.text[len(TEXT):].splitlines()
    choices = [button for row in BUTTONS for button in row]
    for number, button in enumerate(choices, start=1):
        assert any(line.lstrip().startswith(str(number)) and button.text in line
                   for line in lines), (number, button, arrived.text)
        if button.url:
            assert button.url in arrived.text


@contract_for(buttons=ButtonStyle.CALLBACK, edits=True)
async def test_the_buttons_of_a_sent_message_are_replaced_and_removed(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    message_id = await channel.adapter.send(to, OutboundMessage(TEXT, buttons=BUTTONS))

    await channel.adapter.edit_buttons(to, message_id, NEW_BUTTONS)
    [arrived] = channel.received(to)
    assert arrived.buttons == NEW_BUTTONS
    assert arrived.text == TEXT

    # The same buttons again (two officers pressing at once) is no error.
    await channel.adapter.edit_buttons(to, message_id, NEW_BUTTONS)

    await channel.adapter.edit_buttons(to, message_id, ())
    [arrived] = channel.received(to)
    assert arrived.buttons == ()
