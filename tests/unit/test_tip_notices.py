"""What officers get of a new tip, and the intake rules behind it (SPEC §12): every part names
the code and answers the notice; nothing is cut at Telegram's limits; tipster text reaches staff
without bidi or control characters; a text nobody can see is no part; limits say when they end."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram.constants import MessageLimit

from core.i18n import Translator
from storage.tip_records import Assessment, ItemKind, Tip, TipItem, TipState
from tips.anonymity import Anonymizer
from tips.intake import filed_items, kept_item
from tips.limits import TipLimits, sendable_again_at
from tips.notices import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    TEXT_LIMIT,
    new_tip_notices,
    pieces_of,
    telegram_length,
)

NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
TIP = Tip(7, "TIP-7K3M9Q", "TT", "theft", "p", Assessment.UNASSESSED, TipState.OPEN, NOW, None,
          None)


def notices(items: list[TipItem]) -> list[dict]:
    return new_tip_notices(Translator("vi"), Anonymizer(b"k" * 32), TIP, items, unit_name="Xã",
                           category_label="Trộm cắp", tz=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_the_limits_are_telegrams():
    assert MESSAGE_LIMIT == MessageLimit.MAX_TEXT_LENGTH
    assert CAPTION_LIMIT == MessageLimit.CAPTION_LENGTH
    assert TEXT_LIMIT < MESSAGE_LIMIT


def test_the_notice_opens_a_thread_and_every_part_answers_it_with_the_code():
    payloads = notices([TipItem(ItemKind.TEXT, "chữ"), TipItem(ItemKind.PHOTO, "ảnh", "f1"),
                        TipItem(ItemKind.VIDEO_NOTE, None, "f2"),
                        TipItem(ItemKind.LOCATION, None, "10.45,105.63")])
    # The outbox finds a notice by how its JSON starts (storage/outbox.py).
    assert json.dumps(payloads[0], ensure_ascii=False).startswith('{"thread": "start"')
    assert [p["thread"] for p in payloads[1:]] == ["reply"] * 5
    photo, note_label, note, place_label, place = payloads[1:]
    assert photo["text"].startswith("📎 TIP-7K3M9Q — tệp 1/3: ảnh\nảnh")
    assert "TIP-7K3M9Q" in note_label["text"] and "video tròn" in note_label["text"]
    assert note["media"]["kind"] == "video_note" and note["text"] == ""
    assert "TIP-7K3M9Q" in place_label["text"] and "10.45,105.63" in place_label["text"]
    assert place["media"] == {"kind": "location", "file_id": "10.45,105.63"}


def test_a_long_text_and_a_long_caption_arrive_whole_in_labelled_pieces():
    body = "x" * 9000
    caption = "🙂" * 1000  # a Premium user's caption: 2000 UTF-16 units
    payloads = notices([TipItem(ItemKind.TEXT, body), TipItem(ItemKind.PHOTO, caption, "f")])
    texts = [p for p in payloads[1:] if "media" not in p]
    assert all(telegram_length(p["text"]) <= MESSAGE_LIMIT for p in texts)
    assert all("TIP-7K3M9Q" in p["text"] for p in payloads)
    assert "".join(p["text"].split("\n", 1)[1] for p in texts[:3]) == body
    photo = next(p for p in payloads if "media" in p)
    assert telegram_length(photo["text"]) <= CAPTION_LIMIT
    assert texts[3]["text"].endswith(caption)


def test_pieces_never_split_a_character_nor_exceed_the_limit():
    text = "a🙂" * 10
    pieces = pieces_of(text, 5)
    assert "".join(pieces) == text and all(telegram_length(p) <= 5 for p in pieces)


def test_staff_copies_carry_no_bidi_override_or_control_character():
    payloads = notices([TipItem(ItemKind.TEXT, "biển \u202e54-321\u202c\x00"),
                        TipItem(ItemKind.VIDEO, "\u2067cap\x1b", "f")])
    shown = "".join(p["text"] for p in payloads)
    assert "biển 54-321" in shown and "cap" in shown
    assert not any(ch in shown for ch in "\u202e\u202c\x00\u2067\x1b")


def test_a_text_nobody_can_see_is_no_part_and_a_blank_caption_is_dropped():
    assert kept_item(TipItem(ItemKind.TEXT, "\u200b\u2060 ")) is None
    assert kept_item(TipItem(ItemKind.TEXT, "a\x00b\u202e")) == TipItem(ItemKind.TEXT, "ab")
    assert kept_item(TipItem(ItemKind.PHOTO, "\u200b", "f")) == TipItem(ItemKind.PHOTO, None, "f")
    draft = (TipItem(ItemKind.TEXT, "\u200b", message_id=3),
             TipItem(ItemKind.TEXT, "có", message_id=4))
    assert filed_items(draft) == (TipItem(ItemKind.TEXT, "có"),)  # no message id is filed


def test_a_sender_over_a_limit_may_send_again_when_enough_tips_left_the_window():
    limits = TipLimits(max_per_hour=3, max_per_day=5)
    hour = [NOW - timedelta(minutes=m) for m in (5, 20, 40)]
    assert sendable_again_at(hour, limits, NOW) == NOW - timedelta(minutes=40) + timedelta(hours=1)
    day = hour + [NOW - timedelta(hours=h) for h in (3, 10)]
    # Both limits reached: the later moment, when both let one more in.
    assert sendable_again_at(day, limits, NOW) == NOW - timedelta(hours=10) + timedelta(days=1)
    assert sendable_again_at(hour[:2], limits, NOW) is None
