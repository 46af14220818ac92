"""Texts longer than one message go in parts that each fit, in order, naming what they belong to
(channels.text_parts); nothing is lost or reordered."""

from __future__ import annotations

import pytest
from telegram.constants import MessageLimit

from channels.text_parts import split_message, split_text
from core.capabilities import utf16_length as text_length
from core.outbound import Button, Media, MediaKind, OutboundMessage

LIMIT = MessageLimit.MAX_TEXT_LENGTH


def words_of(parts: list[str]) -> list[str]:
    return " ".join(part.split("\n", 1)[1] for part in parts).split()


def test_a_text_that_fits_is_one_part_unchanged():
    text = "x" * LIMIT
    assert split_text(text, LIMIT, "TIP-7K3M9Q") == [text]


@pytest.mark.parametrize("length", [LIMIT + 1, 2 * LIMIT, 5 * LIMIT + 17])
def test_parts_fit_keep_every_word_in_order_and_name_the_code(length):
    words = [f"từ{n}" for n in range(length)]
    text = " ".join(words)[:length]
    parts = split_text(text, LIMIT, "TIP-7K3M9Q")
    assert len(parts) > 1 and all(text_length(p) <= LIMIT for p in parts)
    assert [p.split("\n", 1)[0] for p in parts] == [
        f"TIP-7K3M9Q ({n}/{len(parts)})" for n in range(1, len(parts) + 1)]
    assert words_of(parts) == text.split()


def test_parts_end_at_a_paragraph_when_one_is_near():
    first, second = "a" * 3000, "b" * 3000
    parts = split_text(f"{first}\n\n{second}", LIMIT, None)
    assert [p.split("\n", 1)[1] for p in parts] == [first, second]
    assert parts[0].startswith("(1/2)\n")


def test_a_text_without_spaces_is_cut_and_emoji_count_twice():
    text = "🚓" * LIMIT  # 8192 UTF-16 code units, as Telegram counts them
    parts = split_text(text, LIMIT, "TIP-7K3M9Q")
    assert all(text_length(p) <= LIMIT for p in parts)
    assert "".join(p.split("\n", 1)[1] for p in parts) == text


def test_a_letter_keeps_its_combining_accent():
    room = LIMIT - len("TIP-7K3M9Q (999/999)\n")
    text = "a" * (room - 1) + "e\u0301" + "b" * 100  # "é" as e + a combining acute, at the cut
    parts = split_text(text, LIMIT, "TIP-7K3M9Q")
    assert parts[1].split("\n", 1)[1].startswith("e\u0301")
    assert "".join(p.split("\n", 1)[1] for p in parts) == text
    assert not any(p.split("\n", 1)[1].startswith("\u0301") for p in parts)


def test_a_message_in_parts_answers_with_the_first_and_keeps_its_buttons_on_the_last():
    buttons = ((Button("Đóng", callback="c"),),)
    message = OutboundMessage("chữ " * 2000, buttons=buttons, reply_to_message_id=7,
                              label="TIP-7K3M9Q")
    parts = split_message(message, LIMIT)
    assert len(parts) == 2
    assert (parts[0].reply_to_message_id, parts[0].buttons) == (7, ())
    assert (parts[1].reply_to_message_id, parts[1].buttons) == (None, buttons)
    media = OutboundMessage("ảnh", media=Media(MediaKind.PHOTO, "f"))
    assert split_message(media, LIMIT) == [media]
