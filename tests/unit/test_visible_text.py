"""Invisible text is not a tip, and staff copies carry no reordering or control characters."""

from __future__ import annotations

import pytest

from tips.visible_text import for_staff, has_visible_text


@pytest.mark.parametrize("text", [
    "", " ", "\u200b", "\u200b\u200c\u200d", "\ufeff", "\u3164", "\u2800", "\n\t \u00a0",
    "\x00", "\u202e", "\u0301", "\u2063",
])
def test_text_with_nothing_to_see_is_not_text(text):
    assert not has_visible_text(text)


@pytest.mark.parametrize("text", ["a", " x ", "\u200b1", "🚨", "Ma túy", "\u202e51F-123.45"])
def test_text_with_something_to_see_is_text(text):
    assert has_visible_text(text)


def test_staff_copy_drops_bidi_and_controls_but_keeps_lines_and_words():
    assert for_staff("Biển số \u202e54321-F15\u202c xe") == "Biển số 54321-F15 xe"
    assert for_staff("a\x00b\x1bc\x7fd\u0085e") == "abcde"
    assert for_staff("dòng 1\n\tdòng 2 👨\u200d👩\u200d👧") == "dòng 1\n\tdòng 2 👨\u200d👩\u200d👧"
    assert for_staff("\u2066x\u2069\u200ey\u200f") == "xy"
