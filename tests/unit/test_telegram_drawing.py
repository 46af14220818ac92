"""Telegram's adapter draws what the core asks for: a deep link (``Button.start``) as the bot's
t.me link, left out when the adapter has no username to draw it with, and then it says it has
no deep links (so the core offers none)."""

from __future__ import annotations

from telegram import Bot

from channels.telegram import TelegramChannel, keyboard, keyboard_fields
from core.outbound import Button

BUTTONS = ((Button("Báo tin", start="tip_b7"),), (Button("Đã phổ biến", callback="ack:7"),))


def test_a_deep_link_is_drawn_as_the_bots_t_me_link():
    drawn = keyboard(BUTTONS, "ketnoi_antt_bot")
    assert drawn is not None
    tip, ack = drawn.inline_keyboard[0][0], drawn.inline_keyboard[1][0]
    assert tip.url == "https://t.me/ketnoi_antt_bot?start=tip_b7"
    assert ack.callback_data == "ack:7" and ack.url is None


def test_without_a_username_the_deep_link_is_left_out_and_not_offered():
    drawn = keyboard(BUTTONS, "")
    assert drawn is not None
    assert [[b.text for b in row] for row in drawn.inline_keyboard] == [["Đã phổ biến"]]
    assert keyboard(BUTTONS[:1], "") is None
    token = "123:abc"
    assert not TelegramChannel(Bot(token), "").capabilities.deep_links
    assert TelegramChannel(Bot(token), "ketnoi_antt_bot").capabilities.deep_links


def test_the_keyboard_as_json_is_what_ptb_makes_of_its_objects():
    """Notices go through ``Bot._post`` with the keyboard as the Bot API's JSON: the same JSON
    PTB would make of the keyboard's objects, whatever kinds of button it holds."""
    buttons = (*BUTTONS, (Button("Bản đồ", url="https://maps.example/1"),
                          Button("Xác minh", callback="tr:v:12")), (Button("Trống"),))
    for username in ("ketnoi_antt_bot", ""):
        drawn = keyboard(buttons, username)
        assert drawn is not None
        assert keyboard_fields(buttons, username) == drawn.to_dict()
    assert keyboard_fields(BUTTONS[:1], "") is None and keyboard_fields((), "x") is None
