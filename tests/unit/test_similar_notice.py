"""The similar-tip part of a new tip's notice (SPEC §15): its line, its buttons, in both
languages, and buttons that cannot be forged."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from channels.telegram import CAPABILITIES
from core.i18n import Translator
from storage.tip_records import Assessment, ItemKind, Tip, TipItem, TipState
from tips.anonymity import Anonymizer
from tips.notices import (
    NoticeWords,
    new_tip_event,
    new_tip_messages,
    parse_similar_callback,
    parse_triage_callback,
    similar_callback,
)
from tips.similar_tips import Similar

KEY = Anonymizer(b"k" * 32)
WORDS = NoticeWords(Translator("vi"), KEY, ZoneInfo("Asia/Ho_Chi_Minh"), lambda code: code,
                    lambda key: key)
TIP = Tip(12, "TIP-AB12CD", "TT", "other", "p", Assessment.UNASSESSED, TipState.OPEN,
          datetime(2026, 12, 7, 2, 0, tzinfo=UTC), None, None)
ITEMS = [TipItem(ItemKind.TEXT, "Cướp xe máy ở hẻm 12/3")]


def drawn(words, similar):
    [notice] = new_tip_messages(words, TIP, ITEMS, CAPABILITIES, similar=similar)
    return notice


def test_a_suggestion_adds_its_line_and_a_row_of_two_buttons_above_the_triage_ones():
    event = new_tip_event(12, similar=Similar(7, "TIP-ZZ99YY", "TT", 0.874))
    assert event["similar"] == {"tip_id": 7, "code": "TIP-ZZ99YY", "percent": 87,
                                "merged": False}
    notice = drawn(WORDS, event["similar"])
    assert notice.text.endswith("🔁 Có thể trùng với TIP-ZZ99YY (87%).")
    assert [b.text for b in notice.buttons[0]] == ["Gộp", "Không trùng"]
    assert len(notice.buttons) == 3  # then the six triage buttons, as before
    merge, different = (b.callback for b in notice.buttons[0])
    assert parse_similar_callback(KEY, merge) == ("merge", 12, 7)
    assert parse_similar_callback(KEY, different) == ("not_similar", 12, 7)
    english = drawn(dataclasses.replace(WORDS, tr=Translator("en")), event["similar"])
    assert "May be the same as TIP-ZZ99YY (87%)." in english.text
    assert [b.text for b in english.buttons[0]] == ["Merge", "Not the same"]


def test_merged_without_asking_offers_only_not_the_same():
    notice = drawn(WORDS, {"tip_id": 7, "code": "TIP-ZZ99YY", "percent": 97, "merged": True})
    assert "Đã tự động gộp với TIP-ZZ99YY (97%)" in notice.text
    assert [b.text for b in notice.buttons[0]] == ["Không trùng"]


def test_without_a_suggestion_the_notice_is_as_before():
    assert new_tip_event(12) == {"event": "new_tip", "tip_id": 12}
    assert drawn(WORDS, None) == new_tip_messages(WORDS, TIP, ITEMS, CAPABILITIES)[0]


def test_forged_or_foreign_buttons_are_refused():
    signed = similar_callback(KEY, "m", 12, 7)
    assert parse_similar_callback(KEY, signed.replace(":12:", ":13:")) is None
    assert parse_similar_callback(Anonymizer(b"x" * 32), signed) is None
    assert parse_similar_callback(KEY, "ts:x:12:7:" + signed.rsplit(":", 1)[1]) is None
    assert parse_similar_callback(KEY, signed + ":1") is None
    assert parse_triage_callback(KEY, signed) is None  # not a triage button either
