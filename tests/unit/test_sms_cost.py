"""The SMS cost of a direct send (``broadcasts.sms_cost``): targets × segments × price, the
segments counted by the SMS adapter's own drawing of the bulletin as the delivery engine draws
it (header, body without diacritics, the "Đã phổ biến" line, cut to ``max_segments``)."""

from __future__ import annotations

from datetime import UTC, datetime

from broadcasts.bulletins import Content
from broadcasts.rendering import render_bulletin
from broadcasts.sms_cost import SmsQuote, provisional_bulletin, sms_cost_vnd
from channels.sms.channel import SmsChannel
from core.address import Address
from core.i18n import Translator
from handlers.sms_cost_question import sms_cost_text, vnd

OFFICER = Address("telegram", "42")
NOW = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)


def _segments(body: str, *, is_alert: bool, max_segments: int = 3) -> int:
    # Only the drawing is used: no provider is called and no address opened.
    channel = SmsChannel(provider=None, open_address=lambda _: None,  # type: ignore[arg-type]
                         max_segments=max_segments)
    bulletin = provisional_bulletin("TT-TANTHANH", "alert" if is_alert else "fraud",
                                    Content(body), is_alert=is_alert, created_by=OFFICER,
                                    now=NOW)
    return channel.segments_of(render_bulletin("vi", bulletin, channel.capabilities,
                                               silent=False))


def test_a_short_alert_is_one_segment_per_phone():
    segments = _segments("Lũ lớn, di dời ngay", is_alert=True)
    assert segments == 1
    quote = SmsQuote(messages=2, segments=segments, price_vnd=500, budget_left_vnd=2_000_000)
    assert quote.cost_vnd == 1000 and quote.needs_confirmation and not quote.over_budget


def test_a_long_bulletin_is_cut_to_three_segments_and_costs_three_times_as_much():
    body = "Cảnh giác với các cuộc gọi giả danh công an yêu cầu chuyển tiền. " * 12
    segments = _segments(body, is_alert=False, max_segments=3)
    assert segments == 3
    assert _segments(body, is_alert=False, max_segments=2) == 2
    quote = SmsQuote(messages=3, segments=segments, price_vnd=500, budget_left_vnd=4000)
    assert quote.cost_vnd == sms_cost_vnd(3, 3, 500) == 4500
    assert quote.over_budget


def test_no_target_needs_no_confirmation():
    assert not SmsQuote(messages=0, segments=1, price_vnd=500,
                        budget_left_vnd=0).needs_confirmation


def test_the_question_writes_sums_as_the_budget_notice_does():
    assert vnd(1_350_000) == "1.350.000" and vnd(500) == "500"
    quote = SmsQuote(messages=300, segments=9, price_vnd=500, budget_left_vnd=1_000_000)
    text = sms_cost_text(Translator("vi"), quote)
    assert ("Sẽ gửi 300 tin SMS (9 đoạn mỗi tin), khoảng 1.350.000 đồng; "
            "còn 1.000.000 đồng ngân sách tháng này.") in text
    assert "không đủ" in text
    english = sms_cost_text(Translator("en"), SmsQuote(2, 1, 500, 2_000_000))
    assert "2 SMS will be sent, 1 part(s) each, about 1.000 VND" in english
    assert "not enough" not in english
