"""What officers get of a new tip, and the intake rules behind it (SPEC §12): every part names
the code and answers the notice; nothing is cut at Telegram's limits; tipster text reaches staff
without bidi or control characters; a text nobody can see is no part; limits say when they end."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from channels.telegram import CAPABILITIES
from core.capabilities import utf16_length
from core.i18n import Translator
from core.outbound import MediaKind, OutboundMessage
from storage.tip_records import Assessment, ItemKind, Tip, TipItem, TipState
from tips.anonymity import Anonymizer
from tips.intake import filed_items, kept_item
from tips.limits import TipLimits, sendable_again_at
from tips.notices import NoticeWords, new_tip_messages, pieces_of

NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
TIP = Tip(7, "TIP-7K3M9Q", "TT", "theft", "p", Assessment.UNASSESSED, TipState.OPEN, NOW, None,
          None)
WORDS = NoticeWords(Translator("vi"), Anonymizer(b"k" * 32), ZoneInfo("Asia/Ho_Chi_Minh"),
                    unit_name=lambda code: "Xã", category_label=lambda key: "Trộm cắp")


def notices(items: list[TipItem], capabilities=CAPABILITIES) -> list[OutboundMessage]:
    return new_tip_messages(WORDS, TIP, items, capabilities)


def test_the_notice_comes_first_with_its_buttons_and_every_part_names_the_code():
    messages = notices([TipItem(ItemKind.TEXT, "chữ"), TipItem(ItemKind.PHOTO, "ảnh", "f1"),
                        TipItem(ItemKind.VIDEO_NOTE, None, "f2"),
                        TipItem(ItemKind.LOCATION, None, "10.45,105.63")])
    notice, photo, note_label, note, place_label, place = messages
    assert "TIP-7K3M9Q" in notice.text and "chữ" in notice.text
    assert len([b for row in notice.buttons for b in row]) == 6
    assert photo.text.startswith("📎 TIP-7K3M9Q — tệp 1/3: ảnh\nảnh")
    assert photo.media is not None and photo.media.kind is MediaKind.PHOTO
    assert "TIP-7K3M9Q" in note_label.text and "video tròn" in note_label.text
    assert note.media is not None and note.media.kind is MediaKind.VIDEO_NOTE and note.text == ""
    assert "TIP-7K3M9Q" in place_label.text and "10.45,105.63" in place_label.text
    assert place.media is not None and place.media.kind is MediaKind.LOCATION
    assert place.media.file_id == "10.45,105.63"
    assert all(not m.buttons for m in messages[1:])


def test_a_long_text_and_a_long_caption_arrive_whole_in_labelled_pieces():
    body = "x" * 9000
    caption = "🙂" * 1000  # a Premium user's caption: 2000 UTF-16 units
    messages = notices([TipItem(ItemKind.TEXT, body), TipItem(ItemKind.PHOTO, caption, "f")])
    texts = [m for m in messages[1:] if m.media is None]
    assert all(utf16_length(m.text) <= CAPABILITIES.text_limit for m in texts)
    assert all("TIP-7K3M9Q" in m.text for m in messages)
    assert "".join(m.text.split("\n", 1)[1] for m in texts[:3]) == body
    photo = next(m for m in messages if m.media is not None)
    assert utf16_length(photo.text) <= CAPABILITIES.caption_limit
    assert texts[3].text.endswith(caption)


def test_the_limits_are_the_channels():
    """A smaller text limit cuts the text into more pieces; a caption at the channel's caption
    limit stays one message, one over it goes as the file then the text."""
    small = dataclasses.replace(CAPABILITIES, text_limit=1096)
    body = "x" * 3000
    assert len([m for m in notices([TipItem(ItemKind.TEXT, body)], small)]) == 4
    label = "📎 TIP-7K3M9Q — tệp 1/1: ảnh"
    fits = "y" * (CAPABILITIES.caption_limit - utf16_length(label) - 1)
    [_notice, photo] = notices([TipItem(ItemKind.PHOTO, fits, "f")])
    assert photo.media is not None and photo.text == f"{label}\n{fits}"
    [_notice, photo, rest] = notices([TipItem(ItemKind.PHOTO, fits + "y", "f")])
    assert photo.text == label and rest.text.endswith(fits + "y") and rest.media is None


def test_without_captions_the_words_go_before_the_file():
    no_captions = dataclasses.replace(CAPABILITIES, caption_limit=0)
    [_notice, words, photo] = notices([TipItem(ItemKind.PHOTO, "ảnh", "f1")], no_captions)
    assert words.media is None and words.text.startswith("📎 TIP-7K3M9Q — tệp 1/1: ảnh\nảnh")
    assert photo.media is not None and photo.text == ""


def test_a_kind_the_channel_cannot_carry_is_described_in_text():
    text_only = dataclasses.replace(CAPABILITIES, media=frozenset())
    [_notice, described] = notices([TipItem(ItemKind.VOICE, None, "f1")], text_only)
    assert described.media is None and "TIP-7K3M9Q" in described.text


def test_pieces_never_split_a_character_nor_exceed_the_limit():
    text = "a🙂" * 10
    pieces = pieces_of(text, 5, utf16_length)
    assert "".join(pieces) == text and all(utf16_length(p) <= 5 for p in pieces)


def test_staff_copies_carry_no_bidi_override_or_control_character():
    messages = notices([TipItem(ItemKind.TEXT, "biển \u202e54-321\u202c\x00"),
                        TipItem(ItemKind.VIDEO, "\u2067cap\x1b", "f")])
    shown = "".join(m.text for m in messages)
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
