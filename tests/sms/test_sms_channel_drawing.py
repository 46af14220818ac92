"""What the SMS adapter declares and how it draws the core's messages: one GSM-7 text without
diacritics, choices as numbered lines, cut to ``max_segments``; and the webhook signature."""

from __future__ import annotations

from channels.sms.channel import draw_sms, sms_capabilities
from channels.sms.gsm7 import is_gsm7, segment_count
from channels.sms.webhook import signature_is_valid, signature_of
from core.capabilities import ButtonStyle
from core.outbound import Button, Media, MediaKind, OutboundMessage

NOW = 1_780_000_000.0


def test_an_sms_declares_none_of_the_rich_features():
    capabilities = sms_capabilities(3)
    assert capabilities.buttons is ButtonStyle.NONE and capabilities.max_buttons == 0
    assert capabilities.media == frozenset() and capabilities.caption_limit == 0
    assert not (capabilities.replies or capabilities.silent_sends or capabilities.edits
                or capabilities.deep_links or capabilities.url_buttons)
    assert capabilities.text_limit == 3 * 153 and sms_capabilities(1).text_limit == 160
    # Measured as drawn: a Vietnamese letter with marks counts one septet, not UCS-2.
    assert capabilities.fits("ư" * 459) and not capabilities.fits("ư" * 460)


def test_choices_are_numbered_lines_and_links_written_out():
    message = OutboundMessage("Bạn thấy tin này thế nào?", buttons=(
        (Button("Hữu ích", callback="a:1"), Button("Không", callback="a:2")),
        (Button("Xem thêm", url="https://example.vn/tin"),)))
    assert draw_sms(message, 3) == ("Ban thay tin nay the nao?\n1. Huu ich\n2. Khong\n"
                                    "3. Xem them: https://example.vn/tin")


def test_a_long_bulletin_is_one_gsm7_text_of_at_most_max_segments():
    text = "Cảnh báo lừa đảo qua điện thoại, bà con không chuyển tiền cho người lạ. " * 30
    drawn = draw_sms(OutboundMessage(text, media=Media(MediaKind.PHOTO, "x")), 2)
    assert is_gsm7(drawn) and segment_count(drawn) == 2 and drawn.endswith("...")


def test_only_a_fresh_signature_of_this_body_with_this_key_is_valid():
    body, stamp = b'{"event":"sms:received"}', str(int(NOW))
    good = signature_of("key", body, stamp)
    assert signature_is_valid("key", body, stamp, good, NOW)
    assert signature_is_valid("key", body, stamp, good.upper(), NOW + 299)
    assert not signature_is_valid("other", body, stamp, good, NOW)
    assert not signature_is_valid("key", body + b" ", stamp, good, NOW)
    assert not signature_is_valid("key", body, stamp, good, NOW + 301)  # replayed later
    assert not signature_is_valid("key", body, stamp, good, NOW - 301)  # from the future
    assert not signature_is_valid("key", body, "", good, NOW)
    assert not signature_is_valid("key", body, stamp, "", NOW)


def test_telegram_commands_are_drawn_as_the_keywords_a_phone_texts():
    text = draw_sms(OutboundMessage("Xem bằng /status TIP-AB12CD, bổ sung bằng /reply TIP-AB12CD "
                                    "nội dung; báo tin mới: /tip. Không đổi: /tip_b12, a/status"),
                    3)
    assert text == ("Xem bang TT TIP-AB12CD, bo sung bang TL TIP-AB12CD noi dung; "
                    "bao tin moi: TB. Khong doi: /tip_b12, a/status")


def test_a_labelled_text_too_long_for_max_segments_is_split_whole_not_cut():
    from channels.sms.channel import split_sms

    words = [f"tu{n:03d}{'{' if n % 7 == 0 else ''}" for n in range(200)]  # escapes count two
    text = " ".join(words)
    for max_segments in (1, 2, 3):
        parts = split_sms(text, max_segments, "TIP-AB12CD")
        assert len(parts) > 1
        assert all(segment_count(p) <= max_segments for p in parts)
        assert [p.split("\n", 1)[0] for p in parts] == [
            f"TIP-AB12CD ({n}/{len(parts)})" for n in range(1, len(parts) + 1)]
        assert " ".join(p.split("\n", 1)[1] for p in parts).split() == words
    assert split_sms("ngan", 1, "TIP-AB12CD") == ["ngan"]
