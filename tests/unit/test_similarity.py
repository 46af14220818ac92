"""SPEC §15: how alike two short Vietnamese tips are (tips.similarity, tips.similarity_scores)."""

from __future__ import annotations

import pytest

from tips import similarity as similarity_module
from tips.similarity import match_key, without_marks
from tips.similarity_scores import best_match, scores, similarity

SUGGEST = 0.75  # the default tips.similar_suggest

SAME_INCIDENT = [
    ("Có người bị cướp xe máy ở đầu hẻm 12/3 Lê Lợi, biển số 59-X1 234.56",
     "xe may bi cuop o hem 12/3 le loi, bien 59X1-23456"),
    ("Có người bị cướp xe máy ở đầu hẻm 12/3 Lê Lợi",
     "Cướp xe máy tại hẻm 12/3 đường Lê Lợi lúc 9 giờ tối"),
    ("Nhóm thanh niên tụ tập đánh bạc ở quán nước đầu ấp 3",
     "NHOM THANH NIEN TU TAP DANH BAC O QUAN NUOC DAU AP 3"),
    ("Đánh nhau ở quán karaoke Hoa Mai", "danh nhau tai karaoke hoa mai"),
    ("Gọi 0912 345 678 lừa đảo chuyển tiền", "số 0912.345.678 lừa đảo, bảo chuyển tiền"),
]

DIFFERENT_INCIDENTS = [
    ("Trộm xe máy ở chợ ấp 2", "Cháy nhà ở chợ ấp 2"),
    ("Mất trộm xe đạp trước nhà số 7", "Mất trộm xe đạp trước nhà số 9"),
    ("Mất trộm xe đạp trước nhà", "Mất trộm gà trong chuồng"),
    ("Xe biển 59-X1 234.56 chạy lạng lách", "Xe biển 51-F2 987.65 chạy lạng lách"),
]


@pytest.mark.parametrize(("first", "second"), SAME_INCIDENT)
def test_the_same_incident_written_differently_is_suggested(first, second):
    assert similarity(first, second) >= SUGGEST
    assert similarity(second, first) >= SUGGEST


@pytest.mark.parametrize(("first", "second"), DIFFERENT_INCIDENTS)
def test_different_incidents_sharing_words_are_not(first, second):
    assert similarity(first, second) < SUGGEST


def test_diacritics_and_case_do_not_matter():
    assert similarity("Cướp giật điện thoại ở Ngã Tư Bình Thành",
                      "cuop giat dien thoai o nga tu binh thanh") > 0.95
    assert without_marks("Đường Lê Lợi, ấp Hòa Bình") == "Duong Le Loi, ap Hoa Binh"


def test_number_plates_are_read_whatever_their_separators():
    for written in ("59-X1 234.56", "59X1-234.56", "59 X1 23456", "59x1.234.56"):
        assert match_key(f"xe biển {written} bỏ chạy").numbers == "59x123456", written


def test_the_same_plate_weighs_more_than_the_words():
    """Two differently worded tips naming one plate are alike; a different plate is not."""
    same_plate = similarity("Xe 59-X1 234.56 tông người rồi bỏ chạy",
                            "thấy chiếc xe 59X1 23456 gây tai nạn, chạy mất")
    other_plate = similarity("Xe 59-X1 234.56 tông người rồi bỏ chạy",
                             "Xe 51-F2 987.65 tông người rồi bỏ chạy")
    assert same_plate >= SUGGEST > other_plate


def test_phone_numbers_and_house_numbers_are_numbers():
    key = match_key("Gọi +84 912 345 678, nhà số 7 hẻm 12/3")
    assert key.numbers.split() == ["0912345678", "12/3", "7"]
    assert "12" not in key.plain.split() and "nha so" in key.plain


def test_best_match_is_the_most_alike_above_the_threshold():
    candidates = [match_key(t) for t in (
        "Cháy nhà ở chợ ấp 2", "danh nhau tai karaoke hoa mai", "Mất trộm gà trong chuồng")]
    found = best_match(match_key("Đánh nhau ở quán karaoke Hoa Mai"), candidates, SUGGEST)
    assert found is not None and found.index == 1 and found.score >= 0.9
    assert best_match(match_key("Có người lạ rình mò"), candidates, SUGGEST) is None
    assert best_match(match_key("abc"), [], SUGGEST) is None


def test_a_tip_without_text_is_like_nothing():
    assert match_key("  ✋ ").empty
    assert list(scores(match_key(""), [match_key("Cháy nhà")])) == [0.0]


def test_the_table_of_marks_dropped_stays_bounded_and_right() -> None:
    """A flood of tips in rare scripts (each character a new entry) must not grow the table
    for ever; once it is cleared the Vietnamese letters still lose their marks."""
    limit = similarity_module._MarksDropped.LIMIT
    without_marks("".join(chr(0x4E00 + n) for n in range(limit + 500)))
    assert len(similarity_module._MARKS_DROPPED) <= limit
    assert without_marks("Đường Lê Lợi, đ") == "Duong Le Loi, d"
