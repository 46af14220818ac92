"""Choices where a channel has no buttons (SMS): numbered lines, the catalogue's answer line,
and a typed number mapped back to the button it stands for."""

from __future__ import annotations

from channels.numbered_choices import chosen_callback, numbered_text
from core.i18n import Translator
from core.outbound import Button

BUTTONS = (
    (Button("Có giá trị", callback="tt:v:7:sig"), Button("Không", callback="tt:n:7:sig")),
    (Button("Xem hướng dẫn", url="https://example.vn/huong-dan"),),
    (Button("Báo tin", start="tip_b7"),),
)


def test_each_choice_is_a_numbered_line_and_the_answer_line_comes_from_the_catalogue():
    text = numbered_text(Translator("vi"), "Tin TIP-7K3M9Q", BUTTONS)

    assert text.splitlines() == [
        "Tin TIP-7K3M9Q",
        "",
        "1. Có giá trị",
        "2. Không",
        "3. Xem hướng dẫn: https://example.vn/huong-dan",
        "Trả lời 1, 2 hoặc 3",
    ]
    assert numbered_text(Translator("en"), "x", BUTTONS).endswith("Reply 1, 2 or 3")


def test_one_choice_and_no_choice():
    one = ((Button("Đã phổ biến", callback="ack:7"),),)
    assert numbered_text(Translator("vi"), "Bản tin", one).splitlines()[-1] == "Trả lời 1"
    assert numbered_text(Translator("vi"), "Bản tin", ()) == "Bản tin"


def test_a_typed_number_maps_back_to_the_chosen_buttons_callback():
    assert chosen_callback("1", BUTTONS) == "tt:v:7:sig"
    assert chosen_callback(" 2. ", BUTTONS) == "tt:n:7:sig"
    assert chosen_callback("3", BUTTONS) is None  # a link: nothing to press
    assert chosen_callback("4", BUTTONS) is None  # the deep link was never numbered
    assert chosen_callback("0", BUTTONS) is None
    assert chosen_callback("hai", BUTTONS) is None
    assert chosen_callback("２", BUTTONS) is None  # a full-width digit is not a choice number
