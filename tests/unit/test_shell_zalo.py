"""The shell's Zalo OA: the emulator on the shell's clock, and the OA's messages as lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.clock import ManualClock
from core.i18n import t
from emulators.zalo_oa.world import SentMessage
from shell.log_secrets import ShellSecrets
from shell.zalo_oa import ShellZalo, ShellZaloOA


def tr(key: str, /, **params: object) -> str:
    return t("vi", key, **params)


def test_the_emulator_reads_the_shells_clock_so_time_travel_moves_the_reply_window():
    clock = ManualClock(datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    zalo = ShellZaloOA(clock, ShellSecrets())
    assert zalo.now() == clock.now().timestamp()
    clock.advance(timedelta(days=8))
    assert zalo.now() == clock.now().timestamp()
    # Secrets are made up per start, never the emulator's fixed defaults.
    assert zalo.oa_secret != ShellZaloOA(clock, ShellSecrets()).oa_secret


def test_the_oas_messages_are_printed_with_their_numbered_buttons_and_recipient():
    zalo = ShellZalo(ShellZaloOA(ManualClock(datetime(2026, 3, 3, tzinfo=UTC)), ShellSecrets()),
                     "Võ Thị Lan", ["Zalo Ấp 1"])
    resident, group = zalo.resident, zalo.groups[0]
    buttons = [{"title": "Có", "type": "oa.query.hide", "payload": "Có"},
               {"title": "Xem", "type": "oa.open.url", "payload": {"url": "https://x.vn"}}]
    zalo.emulator.sent += [
        SentMessage("a", f"user:{resident.id}", {"text": "Chọn:\n1. Có\n2. Không",
                    "attachment": {"type": "template", "payload": {"buttons": buttons}}}, 0.0),
        SentMessage("b", f"group:{group.id}", {"text": "Cảnh báo"}, 0.0)]
    assert zalo.new_lines(tr) == [
        "💬 Zalo → Võ Thị Lan (Zalo, riêng):", "   Chọn:", "   1. Có", "   2. Không",
        "   [1] Có   [2] Xem ↗",
        "💬 Zalo → nhóm Zalo Zalo Ấp 1:", "   Cảnh báo"]
    assert zalo.new_lines(tr) == []  # each message printed once
    assert [b["title"] for b in zalo.latest_buttons()] == ["Có", "Xem"]
    assert zalo.find_group("1") is group and zalo.find_group("ấp 1") is group
    assert zalo.find_group("2") is None
