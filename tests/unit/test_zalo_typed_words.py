"""What a resident's text in a typed chat (Zalo OA, Zalo Bot) is
(``channels.typed_chat.commands``), and how the choices offered are drawn and picked again
(``channels.typed_chat.replies``)."""

from __future__ import annotations

import unicodedata

import pytest

from channels.typed_chat.commands import Command, command_of
from channels.typed_chat.replies import OfferedChoices, drawn
from channels.zalo_oa.bodies import MAX_BUTTONS
from core.answers import Answer, Choice
from core.i18n import Translator


@pytest.mark.parametrize(("text", "command", "rest"), [
    ("báo tin", Command.TIP, ""),
    ("  Báo   TIN ", Command.TIP, ""),
    ("bao tin", Command.TIP, ""),
    (unicodedata.normalize("NFD", "báo tin"), Command.TIP, ""),
    ("/baotin Có trộm ở chợ", Command.TIP, "Có trộm ở chợ"),
    ("/tip\nCó trộm", Command.TIP, "Có trộm"),
    ("/trangthai TIP-ABC123", Command.STATUS, "TIP-ABC123"),
    ("/STATUS TIP-ABC123", Command.STATUS, "TIP-ABC123"),
    ("/traloi TIP-ABC123 lúc 9 giờ", Command.REPLY, "TIP-ABC123 lúc 9 giờ"),
    ("/baomat", Command.PRIVACY, ""),
    ("/huy", Command.CANCEL, ""),
    ("/cancel", Command.CANCEL, ""),
    ("/huongdan", Command.HELP, ""),
    ("/bantin", Command.UNKNOWN, ""),
    ("/", Command.UNKNOWN, ""),
])
def test_commands_typed_as_text(text, command, rest):
    typed = command_of(text)
    assert typed is not None and typed.command is command and typed.rest == rest


@pytest.mark.parametrize("text", ["báo tin gấp", "1", "Có người lạ báo tin cho tôi", ""])
def test_other_words_are_no_command(text):
    assert command_of(text) is None


CHOICES = (Choice("Xã Tân Thành", "n:TT"), Choice("Xã Bình Thành", "u:BT"),
           Choice("Hủy", "x"))


def test_a_choice_is_picked_by_its_number_or_the_text_its_button_sends():
    offered = OfferedChoices()
    offered.offer("p1", CHOICES)
    assert offered.chosen("p1", "2") == "u:BT"
    assert offered.chosen("p1", " 1. ") == "n:TT"
    assert offered.chosen("p1", "xã bình thành") == "u:BT"
    assert offered.chosen("p1", "4") is None
    assert offered.chosen("p1", "Bình Thành") is None
    assert offered.chosen("p2", "1") is None  # offered to someone else
    offered.offer("p1", ())  # an answer without choices: nothing to pick any more
    assert offered.chosen("p1", "1") is None


def test_the_oldest_person_is_forgotten_first_when_memory_is_full():
    offered = OfferedChoices(limit=2)
    for pseudonym in ("a", "b", "c"):
        offered.offer(pseudonym, CHOICES)
    assert offered.chosen("a", "1") is None and offered.chosen("c", "1") == "n:TT"


def test_up_to_five_choices_are_buttons_and_numbered_lines_more_are_lines_only():
    tr = Translator("vi")
    [few] = drawn(tr, Answer("Chọn đơn vị", ((CHOICES[0],), CHOICES[1:])), 2000, MAX_BUTTONS)
    assert [b.callback for row in few.buttons for b in row] == [c.label for c in CHOICES]
    assert "1. Xã Tân Thành" in few.text and "3. Hủy" in few.text
    many = tuple(Choice(f"Lĩnh vực {n}", f"c:{n}") for n in range(MAX_BUTTONS + 1))
    [lines] = drawn(tr, Answer("Chọn lĩnh vực", (many,)), 2000, MAX_BUTTONS)
    assert lines.buttons == () and f"{MAX_BUTTONS + 1}. Lĩnh vực {MAX_BUTTONS}" in lines.text


def test_a_long_labelled_answer_is_split_with_its_label_on_every_part():
    parts = drawn(Translator("vi"), Answer("chữ " * 1500, label="TIP-ABC123"), 2000,
                  MAX_BUTTONS)
    assert len(parts) > 1 and all(p.text.startswith("TIP-ABC123") for p in parts)


def test_a_channel_without_buttons_gets_numbered_lines_only():
    [lines] = drawn(Translator("vi"), Answer("Chọn đơn vị", (CHOICES,)), 2000, 0)
    assert lines.buttons == () and "1. Xã Tân Thành" in lines.text and "3. Hủy" in lines.text
