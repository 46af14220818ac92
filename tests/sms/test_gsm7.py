"""SMS text: Vietnamese drawn in GSM-7 without diacritics, segments counted as operators bill
them, and a long text cut to the configured number of segments."""

from __future__ import annotations

import pytest

from channels.sms.gsm7 import (
    cut_to_segments,
    is_gsm7,
    segment_count,
    to_gsm7,
    without_diacritics,
)
from emulators.sms.segments import segments_of


@pytest.mark.parametrize(("vietnamese", "drawn"), [
    ("Đội tuần tra ấp Mỹ Hòa", "Doi tuan tra ap My Hoa"),
    ("đường Nguyễn Huệ", "duong Nguyen Hue"),
    ("ĐỒNG THÁP", "DONG THAP"),
    ("ơ ư ă â ê ô", "o u a a e o"),
    ("à á ả ã ạ ằ ắ ẳ ẵ ặ ầ ấ ẩ ẫ ậ", "a a a a a a a a a a a a a a a"),
    ("ỳ ý ỷ ỹ ỵ ừ ứ ử ữ ự ờ ớ ở ỡ ợ", "y y y y y u u u u u o o o o o"),
    ("“Cảnh giác” – lừa đảo…", '"Canh giac" - lua dao...'),
])
def test_vietnamese_is_written_without_diacritics(vietnamese, drawn):
    assert without_diacritics(vietnamese) == drawn
    assert to_gsm7(vietnamese) == drawn
    assert is_gsm7(to_gsm7(vietnamese))


def test_what_has_no_gsm_form_is_left_out():
    assert to_gsm7("🚨 Khẩn cấp 🚨 gọi 113") == "Khan cap goi 113"


@pytest.mark.parametrize(("text", "segments"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("€" * 80, 1), ("€" * 81, 2),  # extension characters count two
    ("ư" * 70, 1), ("ư" * 71, 2), ("ư" * 134, 2), ("ư" * 135, 3),  # UCS-2
    ("", 1),
])
def test_segments_are_counted_as_operators_bill_them(text, segments):
    assert segment_count(text) == segments
    assert segments_of(text) == segments  # the emulator's own count agrees


def test_an_escape_pair_is_never_split_between_parts():
    text = "a" * 152 + "€" + "a" * 10  # the € would straddle the first part's end
    assert segment_count(text) == 2
    assert segment_count("a" * 152 + "€" * 77) == 3


@pytest.mark.parametrize("max_segments", [1, 2, 3])
def test_a_long_text_is_cut_to_the_segments_with_an_ellipsis(max_segments):
    text = to_gsm7("Công an xã đề nghị bà con cảnh giác với kẻ gian giả danh cán bộ. " * 20)
    cut = cut_to_segments(text, max_segments)
    assert segment_count(cut) == max_segments
    assert cut.endswith("...") and is_gsm7(cut)
    assert text.startswith(cut[:-3].rstrip())
    assert len(cut) > (max_segments * 153 if max_segments > 1 else 160) - 20


def test_a_text_that_fits_is_not_changed():
    text = "Hop to tu quan 19h toi nay tai nha van hoa ap 1."
    assert cut_to_segments(text, 1) == text


def test_a_ucs2_text_is_cut_with_its_own_ellipsis():
    cut = cut_to_segments("ư" * 200, 2)
    assert cut.endswith("…") and segment_count(cut) == 2
