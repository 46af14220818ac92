"""Zalo OA groups (GMF) end to end (SPEC §2, §12, §13): ``/nhom zalo`` lists the OA's groups,
``/dangky MÃ zalo:<id>`` in a private Telegram chat or ``/dangky MÃ`` typed in the Zalo group by a
staff member with a ``zalo_user_id`` links one, and an alert from a Telegram officer reaches
Telegram groups and OA groups exactly once each, through Zalo's rate and quota refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from channels.zalo_oa.addresses import group_address
from emulators.zalo_oa import FakeZaloOA
from org.groups import refresh_all_member_counts
from storage.groups import find_group
from storage.schema import deliveries
from tests.e2e.bulletin_steps import group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.test_groups_and_staff import reply_to
from tests.e2e.zalo_oa_harness import ZaloHarness, bot_with_zalo

STAFF_ON_ZALO_TELEGRAM_ID = 7_700_001
ZALO_STAFF_NAME = "Cán bộ Zalo"


def zalo_staff(zalo: FakeZaloOA) -> str:
    """An officer of TT-TANTHANH whose Zalo id for the OA is known (``[[staff]] zalo_user_id``)."""
    user = zalo.user(ZALO_STAFF_NAME)
    return (f'\n[[staff]]\ntelegram_id = {STAFF_ON_ZALO_TELEGRAM_ID}\nrole = "officer"\n'
            f'unit = "TT-TANTHANH"\nzalo_user_id = "{user.id}"\n')


@pytest.fixture
async def zharness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url,
                             more_config=zalo_staff) as running:
        yield running


async def group_record(harness: ZaloHarness, group_id: str):
    async with harness.bot.services.db.reading() as conn:
        return await find_group(conn, group_address(group_id))


async def test_without_zalo_the_zalo_group_list_says_so(harness):
    answer = await reply_to(harness.fake, harness.people.editor, "/nhom zalo")
    assert "chưa được kết nối với Zalo OA" in answer
    linking = await reply_to(harness.fake, harness.people.officer,
                             "/dangky TT-TANTHANH zalo:f414c8f76fa586fbdfb4")
    assert "chưa được kết nối với Zalo OA" in linking


async def test_staff_list_the_oas_groups_and_an_officer_links_one_from_telegram(zharness):
    fake, people, zalo = zharness.fake, zharness.people, zharness.zalo
    ap1, ap2 = zalo.group("Tổ tự quản Ấp 1", members=40), zalo.group("Tổ Ấp 2", members=7)

    listing = await reply_to(fake, people.editor, "/nhom zalo")
    assert "Các nhóm Zalo của OA (2)" in listing
    assert f"Tổ tự quản Ấp 1 — ID {ap1.id} — 40 thành viên — chưa liên kết" in listing
    assert f"ID {ap2.id}" in listing

    foreign = await reply_to(fake, people.other_officer, f"/dangky TT-TANTHANH zalo:{ap1.id}")
    assert "ngoài phạm vi" in foreign
    unknown = await reply_to(fake, people.officer, "/dangky TT-TANTHANH zalo:abc123")
    assert "không có nhóm ID abc123" in unknown
    assert await group_record(zharness, ap1.id) is None

    linked = await reply_to(fake, people.officer, f"/register tt-tanthanh-a1 zalo:{ap1.id}")
    assert '"Tổ tự quản Ấp 1"' in linked and "TT-TANTHANH-A1" in linked
    record = await group_record(zharness, ap1.id)
    assert record.unit_code == "TT-TANTHANH-A1" and record.status == "active"
    assert record.title == "Tổ tự quản Ấp 1" and record.member_count == 40
    again = await reply_to(fake, people.officer, f"/dangky TT-TANTHANH-A1 zalo:{ap1.id}")
    assert "đã được liên kết" in again
    listing = await reply_to(fake, people.admin, "/nhom zalo")
    assert f"ID {ap1.id} — 40 thành viên — đã liên kết với TT-TANTHANH-A1" in listing
    linked_list = await reply_to(fake, people.officer, "/nhom")  # /groups lists it as linked
    assert "Tổ tự quản Ấp 1 — TT-TANTHANH-A1 — 40 thành viên" in linked_list
    # The group's own /register still needs a group; the Zalo form needs a private chat.
    assert await reply_to(fake, people.officer, "/register TT-TANTHANH") == (
        "Lệnh này chỉ dùng trong nhóm.")


async def test_a_staff_member_links_the_zalo_group_by_typing_in_it(zharness):
    zalo = zharness.zalo
    group = zalo.group("Tổ tự quản Ấp 3", members=25)
    staff = next(user for user in zalo.users.values() if user.name == ZALO_STAFF_NAME)
    resident = zalo.user("Người dân")

    await zalo.user_sends_group_text(resident, group, "Chào cả nhóm, mai họp tổ nhé")
    assert zalo.sent_to(f"group:{group.id}") == []  # chatter is not the bot's business
    await zalo.user_sends_group_text(resident, group, "/dangky TT-TANTHANH")
    [refused] = zalo.sent_to(f"group:{group.id}")
    assert refused.message == {"text": "Lệnh này chỉ dành cho cán bộ công an của đơn vị."}
    assert await group_record(zharness, group.id) is None

    response = await zalo.user_sends_group_text(staff, group, "/dangky TT-TANTHANH")
    assert response is not None and response.status_code == 200
    answer = zalo.sent_to(f"group:{group.id}")[-1].message["text"]
    assert 'Đã liên kết nhóm "Tổ tự quản Ấp 3" với đơn vị TT-TANTHANH' in answer
    record = await group_record(zharness, group.id)
    assert record.unit_code == "TT-TANTHANH" and record.member_count == 25
    # The Zalo ids of the staff member and the resident appear in no log line.
    assert staff.id not in zharness.logs.getvalue()
    assert resident.id not in zharness.logs.getvalue()


async def test_member_counts_of_oa_groups_are_refreshed_daily_and_a_lapsed_group_goes_inactive(
    zharness,
):
    fake, people, zalo = zharness.fake, zharness.people, zharness.zalo
    services = zharness.bot.services
    growing, lapsing = zalo.group("Tổ 4", members=10), zalo.group("Tổ 5", members=9)
    for group in (growing, lapsing):
        await reply_to(fake, people.officer, f"/dangky TT-TANTHANH zalo:{group.id}")
    growing.members = 31
    zalo.disable_group(lapsing)

    await refresh_all_member_counts(services.db, services.group_directories, services.clock)

    assert (await group_record(zharness, growing.id)).member_count == 31
    assert (await group_record(zharness, lapsing.id)).status == "inactive"


async def test_an_alert_reaches_telegram_and_oa_groups_exactly_once_through_zalos_refusals(
    zharness,
):
    fake, people, zalo = zharness.fake, zharness.people, zharness.zalo
    services = zharness.bot.services
    zharness.bot.zalo.channel.rate_limit_wait = 0.2  # Zalo names no wait: ours, shortened
    zharness.bot.zalo.channel.quota_wait = 0.3
    telegram_groups = await link(fake, services.db, "TT-TANTHANH", 2, services.clock)
    rated, spent, broken = (zalo.group(f"Zalo Ấp {n}", members=20 + n) for n in (1, 2, 3))
    for group in (rated, spent, broken):
        await reply_to(fake, people.officer, f"/dangky TT-TANTHANH zalo:{group.id}")
    zalo.inject_error(f"group:{rated.id}", -32, "Your application reached limit call api",
                      times=2)
    zalo.inject_error(f"group:{spent.id}", -211, "Out of quota")
    zalo.inject_error(f"group:{broken.id}", -210, "Parameter out of range")

    answer = await reply_to(fake, people.officer, "/khancap Lũ lớn, di dời ngay")
    assert "5 nhóm" in answer
    await fake.wait_for_message(people.officer.id,
                                lambda m: "Kết quả gửi" in m.get("text", ""), timeout=20)

    assert [group_copies(fake, chat.id) for chat in telegram_groups] == [1, 1]
    for group in (rated, spent):
        [copy] = zalo.sent_to(f"group:{group.id}")
        assert copy.message["text"].startswith("🚨") and "Lũ lớn, di dời ngay" in copy.message[
            "text"]
        last_line = copy.message["text"].splitlines()[-1]
        assert "Báo tin" in last_line and last_line.endswith(f": https://zalo.me/{zalo.oa_id}")
        assert "attachment" not in copy.message  # no "Đã phổ biến": a GMF group cannot press
    assert zalo.requests_to(f"group:{rated.id}") == 3  # refused twice, waited, sent once
    assert zalo.requests_to(f"group:{spent.id}") == 2
    assert zalo.sent_to(f"group:{broken.id}") == []
    assert zalo.requests_to(f"group:{broken.id}") == 1  # not retried
    async with services.db.reading() as conn:
        rows = list(await conn.execute(select(deliveries.c.status, deliveries.c.last_error)
                                       .order_by(deliveries.c.id)))
    assert sorted(row.status for row in rows) == ["failed"] + ["sent"] * 4
    [failed] = [row for row in rows if row.status == "failed"]
    assert "Parameter out of range" in failed.last_error and "-210" in failed.last_error
