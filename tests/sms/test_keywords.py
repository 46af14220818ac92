"""Keywords texted to the gateway phone: any case, with or without diacritics."""

from __future__ import annotations

import pytest

from channels.sms.keywords import Keyword, read_keyword


@pytest.mark.parametrize(("text", "keyword", "rest"), [
    ("DK TT-TANTHANH", Keyword.SUBSCRIBE, "TT-TANTHANH"),
    ("đk tt-tanthanh", Keyword.SUBSCRIBE, "tt-tanthanh"),
    ("Đk  TT-TANTHANH ", Keyword.SUBSCRIBE, "TT-TANTHANH"),
    ("HUY", Keyword.UNSUBSCRIBE, ""),
    ("Hủy", Keyword.UNSUBSCRIBE, ""),
    ("huỷ.", Keyword.UNSUBSCRIBE, ""),
    ("TB có người lạ dò hỏi", Keyword.TIP, "có người lạ dò hỏi"),
    ("tb\nxe lạ đỗ lâu", Keyword.TIP, "xe lạ đỗ lâu"),
    ("TT TIP-7K3M9Q", Keyword.STATUS, "TIP-7K3M9Q"),
    ("tl TIP-7K3M9Q thêm: biển số 66A", Keyword.REPLY, "TIP-7K3M9Q thêm: biển số 66A"),
    ("Xin chào", Keyword.OTHER, "Xin chào"),
    ("HUYEN", Keyword.OTHER, "HUYEN"),
    ("", Keyword.OTHER, ""),
])
def test_keywords_are_read_whatever_the_case_and_marks(text, keyword, rest):
    said = read_keyword(text)
    assert (said.keyword, said.rest) == (keyword, rest)
