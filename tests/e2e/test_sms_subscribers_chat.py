"""``/sms`` (``/tinnhan``) end to end: an officer adds, lists and removes SMS subscribers of
units in scope over the Telegram emulator; numbers are shown masked and are never in the
database file or the bot's log in clear."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.e2e.test_groups_and_staff import reply_to

# Every way the number could show: as typed, national, international, provider form.
CLEAR_FORMS = ("0901234567", "901234567", "84901234567", "090 123 4567", "123 4567",
               "0321234567", "321234567")


async def test_an_officer_keeps_the_sms_list_of_the_units_in_scope(harness):
    fake, people = harness.fake, harness.people
    officer = people.officer
    added = await reply_to(fake, officer, "/sms add 090 123 4567 TT-TANTHANH-A1")
    assert "09xx xxx 567" in added and "TT-TANTHANH-A1" in added and "Ấp 1" in added
    again = await reply_to(fake, officer, "/tinnhan add +84 90 123 4567 tt-tanthanh-a1")
    assert "đã nhận" in again
    moved = await reply_to(fake, officer, "/sms add 84901234567 TT-TANTHANH")
    assert "TT-TANTHANH-A1" in moved and "thay cho" in moved
    listing = await reply_to(fake, officer, "/tinnhan list")
    assert "09xx xxx 567 · TT-TANTHANH" in listing and "(1 số" in listing

    # Another commune's officer sees nothing of it and cannot remove it.
    other = people.other_officer
    assert "Chưa có số nào" in await reply_to(fake, other, "/sms list")
    assert "không có trong danh sách" in await reply_to(fake, other, "/sms remove 0901234567")
    assert "ngoài phạm vi" in await reply_to(fake, other, "/sms add 0901234567 TT-TANTHANH")
    assert "Không có đơn vị" in await reply_to(fake, other, "/sms list TT-TANTHANH")

    await reply_to(fake, other, "/sms add 0321234567 TT-BINHTHANH")
    taken = await reply_to(fake, officer, "/sms add 032 123 4567 TT-TANTHANH")
    assert "ngoài phạm vi của bạn" in taken and "BINHTHANH" not in taken

    removed = await reply_to(fake, officer, "/sms remove 090.123.4567")
    assert "Đã xóa số 09xx xxx 567" in removed
    assert "Chưa có số nào" in await reply_to(fake, officer, "/sms list")

    for answer in (added, again, moved, listing, removed):
        assert not any(form in answer for form in CLEAR_FORMS), answer
    await _assert_no_number_stored_or_logged(harness)


async def test_invalid_numbers_are_refused_with_the_reason(harness):
    fake, officer = harness.fake, harness.people.officer
    landline = await reply_to(fake, officer, "/sms add 0241234567 TT-TANTHANH")
    assert "không phải số di động" in landline and "cố định" in landline
    short = await reply_to(fake, officer, "/sms add 090123456 TT-TANTHANH")
    assert "thiếu chữ số" in short
    old = await reply_to(fake, officer, "/sms add 01691234567 TT-TANTHANH")
    assert "11 chữ số" in old
    assert "Cách dùng" in await reply_to(fake, officer, "/sms")
    assert "Cách dùng" in await reply_to(fake, officer, "/sms add 0901234567")


async def test_sms_subscribers_are_for_officers(harness):
    fake, people = harness.fake, harness.people
    for person in (people.resident, people.editor):
        answer = await reply_to(fake, person, "/sms add 0901234567 TT-TANTHANH")
        assert "09xx" not in answer and "Đã thêm" not in answer


async def _assert_no_number_stored_or_logged(harness) -> None:
    log = harness.logs.getvalue()
    # The DEBUG log records every Bot API call; their bodies (the commands typed, the answers)
    # are withheld by bot.logging, and the numbers must not slip through anywhere else.
    assert "Calling Bot API endpoint `sendMessage`" in log, "the check below would be empty"
    assert "/sms add" not in log
    for form in CLEAR_FORMS:
        assert form not in log, form
    data = harness.config_path.parent / "data"
    if harness.bot.services.db.dialect == "sqlite":  # the database file and its write-ahead log
        raw = await asyncio.to_thread(_bytes_under, data)
        assert b"sms_subscribers" in raw
        for form in CLEAR_FORMS:
            assert form.encode() not in raw, form


def _bytes_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
