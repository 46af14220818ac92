"""``/staff zalo ID ZALO_ID|-`` end to end (SPEC §7, §13): an admin on Telegram gives a staff
member added in chat a Zalo id, that person types ``/dangky MÃ`` inside a Zalo OA group and the
group is linked; once the id is cleared, the same words are refused. No Zalo id reaches a log."""

from __future__ import annotations

import pytest

from channels.zalo_oa.addresses import group_address
from storage.groups import find_group
from tests.e2e.test_groups_and_staff import reply_to
from tests.e2e.zalo_oa_harness import ZaloHarness, bot_with_zalo

OFFICER_ADDED_IN_CHAT = 7_700_002


@pytest.fixture
async def zharness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


async def linked_unit(harness: ZaloHarness, group_id: str) -> str | None:
    async with harness.bot.services.db.reading() as conn:
        record = await find_group(conn, group_address(group_id))
    return record.unit_code if record is not None else None


async def test_a_zalo_id_set_in_chat_lets_that_staff_member_link_a_group_from_inside_it(zharness):
    fake, people, zalo = zharness.fake, zharness.people, zharness.zalo
    officer_on_zalo = zalo.user("Cán bộ ấp")
    first, second = zalo.group("Tổ Ấp 6", members=12), zalo.group("Tổ Ấp 7", members=9)
    await reply_to(fake, people.admin, f"/canbo add {OFFICER_ADDED_IN_CHAT} officer TT-TANTHANH")

    # Before an id is set, the officer is nobody the OA knows.
    await zalo.user_sends_group_text(officer_on_zalo, first, "/dangky TT-TANTHANH")
    assert await linked_unit(zharness, first.id) is None

    answer = await reply_to(fake, people.admin,
                            f"/canbo zalo {OFFICER_ADDED_IN_CHAT} {officer_on_zalo.id}")
    assert answer.startswith(f"Đã đặt Zalo ID cho {OFFICER_ADDED_IN_CHAT}")
    listing = await reply_to(fake, people.admin, "/staff list")
    assert f"{OFFICER_ADDED_IN_CHAT} — cán bộ công an — TT-TANTHANH · có Zalo ID" in listing
    assert officer_on_zalo.id not in listing

    await zalo.user_sends_group_text(officer_on_zalo, first, "/dangky TT-TANTHANH")
    assert 'Đã liên kết nhóm "Tổ Ấp 6"' in zalo.sent_to(f"group:{first.id}")[-1].message["text"]
    assert await linked_unit(zharness, first.id) == "TT-TANTHANH"

    cleared = await reply_to(fake, people.admin, f"/staff zalo {OFFICER_ADDED_IN_CHAT} -")
    assert cleared == f"Đã xóa Zalo ID của {OFFICER_ADDED_IN_CHAT}."
    await zalo.user_sends_group_text(officer_on_zalo, second, "/dangky TT-TANTHANH")
    assert await linked_unit(zharness, second.id) is None
    assert zalo.sent_to(f"group:{second.id}")[-1].message["text"] == \
        "Lệnh này chỉ dành cho cán bộ công an của đơn vị."
    assert officer_on_zalo.id not in zharness.logs.getvalue()


async def test_only_an_admin_sets_zalo_ids(zharness):
    fake, people, zalo = zharness.fake, zharness.people, zharness.zalo
    someone = zalo.user("Người lạ")
    answer = await reply_to(fake, people.officer, f"/staff zalo {people.officer.id} {someone.id}")
    assert "Đã đặt Zalo ID" not in answer
    assert zharness.bot.services.directory.staff_by_zalo_user_id(someone.id) is None
