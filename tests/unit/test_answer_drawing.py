"""The core's answers drawn as Telegram inline keyboards (``handlers.answer_drawing``): rows stay
rows, and each action is routed back behind its handler's prefix."""

from __future__ import annotations

from core.answers import Answer, Choice
from handlers.answer_drawing import keyboard_of


def test_choices_become_buttons_with_the_action_behind_the_prefix():
    answer = Answer("?", ((Choice("Xã", "u:TT"),), (Choice("Gửi", "s"), Choice("Hủy", "x"))))
    keyboard = keyboard_of(answer, "ti")
    assert [[(b.text, b.callback_data) for b in row] for row in keyboard.inline_keyboard] == [
        [("Xã", "ti:u:TT")], [("Gửi", "ti:s"), ("Hủy", "ti:x")]]


def test_an_answer_without_choices_has_no_keyboard():
    assert keyboard_of(Answer("ok"), "ti") is None
