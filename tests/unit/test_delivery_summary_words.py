"""The officer's delivery summary names what each copy went to: groups as "nhóm", SMS
subscribers as "người nhận SMS", counted apart; a summary without SMS reads as before."""

from __future__ import annotations

from datetime import UTC, datetime

from broadcasts.compliance import GroupWeek
from broadcasts.notices import (
    below_target,
    delivery_summary,
    queue_ran_dry,
    uncertain_after_restart,
)
from broadcasts.slots import SlotRun
from core.address import Address
from storage.deliveries import FAILED, SENT, UNCERTAIN, DeliveryLine


def _line(title: str, status: str, channel: str = "telegram",
          error: str | None = None) -> DeliveryLine:
    return DeliveryLine(7, title, status, error, channel)


def test_groups_and_sms_subscribers_are_counted_apart():
    lines = [_line("Tổ 1", SENT), _line("Tổ 2", FAILED, error="bot was blocked"),
             _line("SMS ab12cd", SENT, "sms"), _line("SMS ef34gh", FAILED, "sms", "budget")]
    text = delivery_summary("vi", 3, "TT-TANTHANH", lines, acknowledged=1).text
    assert "đã gửi 1/2 nhóm và 1/2 người nhận SMS." in text
    assert "Đã phổ biến: 1/1 nhóm." in text  # phones have no button to press
    assert "Không gửi được tới 1 nhóm:\n• Tổ 2: bot was blocked" in text
    assert "Không gửi được tới 1 người nhận SMS:\n• SMS ef34gh: budget" in text


def test_uncertain_sms_copies_are_named_and_the_button_says_recipients():
    lines = [_line("Tổ 1", UNCERTAIN), _line("SMS ab12cd", UNCERTAIN, "sms")]
    message = delivery_summary("en", 3, "TT-TANTHANH", lines, acknowledged=0)
    assert "sent to 0/1 groups and 0/1 SMS subscribers." in message.text
    assert "Not sure it reached 1 groups and 1 SMS subscribers" in message.text
    assert message.buttons[0][0].text == "Re-send to these 2 recipients"


def test_a_summary_without_sms_reads_as_before():
    lines = [_line("Tổ 1", SENT), _line("Tổ 2", SENT)]
    text = delivery_summary("vi", 3, "TT-TANTHANH", lines, acknowledged=0).text
    assert text == "Kết quả gửi bản tin #7 — TT-TANTHANH: đã gửi 2/2 nhóm."


def test_after_a_restart_uncertain_phones_are_named_apart_from_groups():
    lines = [_line("Tổ 1", UNCERTAIN), _line("Tổ 2", SENT), _line("SMS ab12cd", UNCERTAIN, "sms")]
    message = uncertain_after_restart("vi", 3, lines, 2)
    assert "không chắc đã gửi tới 1 nhóm và 1 người nhận SMS" in message.text
    assert message.buttons[0][0].text == "Gửi lại cho 2 nơi nhận này"
    only_groups = uncertain_after_restart("vi", 3, lines[:2], 1)
    assert "không chắc đã gửi tới 1 nhóm." in only_groups.text


def test_the_weekly_warning_names_groups_and_only_counts_phones():
    short = [GroupWeek(Address("telegram", "-100"), "Tổ 1", "TT", "2026-W11", 1, 2),
             GroupWeek(Address("sms", "sealed-1"), "SMS ab12cd", "TT", "2026-W11", 1, 2),
             GroupWeek(Address("sms", "sealed-2"), "SMS ef34gh", "TT", "2026-W11", 0, 2)]
    text = below_target("vi", "2026-W11", 2, short).text
    assert "1 nhóm chưa đủ chỉ tiêu" in text and "• Tổ 1 (TT): 1 bản tin" in text
    assert "2 người nhận SMS chưa nhận đủ 2 bản tin/tuần." in text
    assert "SMS ab12cd" not in text
    only_phones = below_target("en", "2026-W11", 2, short[1:]).text
    assert only_phones == "Week 2026-W11: 2 SMS subscribers received fewer than 2 bulletins."


def test_a_dry_queue_counts_groups_and_phones_apart():
    at = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    mixed = SlotRun("TT", at, None, [], groups=5, groups_without_news=3, sms=2,
                    sms_without_news=1)
    assert ("đến lịch gửi nhưng 2/3 nhóm và 1/2 người nhận SMS không có bản tin mới"
            in queue_ran_dry("vi", mixed).text)
    groups_only = SlotRun("TT", at, None, [], groups=3, groups_without_news=3)
    assert "3/3 groups had no new bulletin" in queue_ran_dry("en", groups_only).text
