"""``/unit`` (``/donvi``) end to end (SPEC §2, §7): an admin adds, renames and moves units in
chat; each change is checked like the config, audited, usable at once (``/register``, the tip
flow, ``/stats``) and kept across a restart; units of config.toml change only in the file."""

from __future__ import annotations

import re

from channels.telegram_addresses import address_of_chat, chat_id_of
from storage.audit import entries_for
from storage.groups import find_group
from tests.e2e.tip_steps import button_data, file_guided_tip, press, say

RECEIVED = re.compile(r"(\d+) tin tiếp nhận")


async def unit_says(harness, text: str, user=None) -> str:
    return (await say(harness.fake, user or harness.people.admin, text))["text"]


async def audit_of(harness, code: str) -> list[tuple[str, int, str]]:
    async with harness.bot.services.db.reading() as conn:
        return [(e.action, chat_id_of(e.actor), e.detail)
                for e in await entries_for(conn, f"unit:{code}")]


async def tips_received(harness, user, command: str = "/stats") -> int:
    """The tips received that ``/stats`` shows (tip notices may arrive in the same chat)."""
    harness.fake.send_message(user, command)
    stats = await harness.fake.wait_for_message(user.id,
                                                lambda m: RECEIVED.search(m.get("text", "")))
    return int(RECEIVED.search(stats["text"]).group(1))


async def test_a_unit_added_in_chat_is_offered_at_once_to_register_and_to_tipsters(harness):
    fake, people = harness.fake, harness.people
    added = await unit_says(harness, '/unit add BT-AP3 “Ấp 3 Bình Thành” tt-binhthanh')
    assert "BT-AP3" in added and "Ấp 3 Bình Thành" in added and "TT-BINHTHANH" in added
    assert await audit_of(harness, "BT-AP3") == [
        ("unit.add", people.admin.id, "TT-BINHTHANH Ấp 3 Bình Thành")]

    group = fake.group("Tổ tự quản Ấp 3", members=8)
    fake.add_bot_to_group(group, people.other_officer)
    await fake.wait_for_message(group.id)
    # The officer of the commune above the new hamlet links a group to it.
    registered = (await say(fake, people.other_officer, "/register bt-ap3", chat=group))["text"]
    assert "BT-AP3" in registered and "Ấp 3 Bình Thành" in registered
    async with harness.bot.services.db.reading() as conn:
        assert (await find_group(conn, address_of_chat(group.id))).unit_code == "BT-AP3"

    resident = people.resident
    units = await say(fake, resident, "/tip")
    assert "ti:n:TT-BINHTHANH" in button_data(units, "ti:")  # the commune now has a hamlet
    query_id = fake.press_button(resident, units, "ti:n:TT-BINHTHANH")
    edited = await fake.wait_for_call("editMessageReplyMarkup")
    assert "Ấp 3 Bình Thành" in str(edited.params)
    await fake.wait_for_call("answerCallbackQuery",
                             lambda c: c.params.get("callback_query_id") == query_id)
    categories = await press(fake, resident, units, "ti:u:BT-AP3")
    assert "Ấp 3 Bình Thành" in categories["text"]


async def test_rename_and_move_a_chat_unit_and_the_list_shows_the_tree(harness):
    people = harness.people
    await unit_says(harness, '/donvi add TT-TANTHANH-A2 "Ấp 2" TT-TANTHANH')
    renamed = await unit_says(harness, "/unit rename tt-tanthanh-a2 “Ấp Hai Tân Thành”")
    assert "Ấp 2" in renamed and "Ấp Hai Tân Thành" in renamed
    moved = await unit_says(harness, "/unit move TT-TANTHANH-A2 TT-BINHTHANH")
    assert "TT-TANTHANH" in moved and "TT-BINHTHANH" in moved
    assert await audit_of(harness, "TT-TANTHANH-A2") == [
        ("unit.add", people.admin.id, "TT-TANTHANH Ấp 2"),
        ("unit.rename", people.admin.id, "Ấp 2 -> Ấp Hai Tân Thành"),
        ("unit.move", people.admin.id, "TT-TANTHANH -> TT-BINHTHANH")]
    listing = (await unit_says(harness, "/unit list")).splitlines()
    assert listing[0] == "Cây đơn vị (5 đơn vị):"
    assert listing[1:] == [
        "• DT — Tỉnh Đồng Tháp (config.toml)",
        "    • TT-BINHTHANH — Xã Bình Thành (config.toml)",
        "        • TT-TANTHANH-A2 — Ấp Hai Tân Thành (thêm trong chat)",
        "    • TT-TANTHANH — Xã Tân Thành (config.toml)",
        "        • TT-TANTHANH-A1 — Ấp 1 (config.toml)",
    ]


async def test_config_units_change_only_in_config_toml(harness):
    for command in ('/unit rename TT-TANTHANH "Xã Tân Thành mới"',
                    "/unit move tt-tanthanh-a1 TT-BINHTHANH"):
        answer = await unit_says(harness, command)
        assert "config.toml" in answer and "khởi động lại" in answer, answer
    listing = await unit_says(harness, "/unit list")
    assert "TT-TANTHANH — Xã Tân Thành (config.toml)" in listing
    assert "        • TT-TANTHANH-A1" in listing
    assert await audit_of(harness, "TT-TANTHANH") == []


async def test_each_bad_change_is_refused_with_its_reason(harness):
    await unit_says(harness, '/unit add TT-A2 "Ấp 2" TT-TANTHANH')
    await unit_says(harness, '/unit add TT-A2-T1 "Tổ 1" TT-A2')
    cases = {
        '/unit add ẤP-3 "Ấp 3" TT-TANTHANH': "không hợp lệ",
        f'/unit add {"A" * 33} "Ấp 3" TT-TANTHANH': "tối đa 32 ký tự",
        '/unit add tt-a2 "Ấp 2 nữa" TT-TANTHANH': "Đã có đơn vị mã TT-A2",
        '/unit add dt "Tỉnh" TT-TANTHANH': "Đã có đơn vị mã DT",
        '/unit add TT-A3 "Ấp 3" HANOI': "Không có đơn vị cấp trên mã HANOI",
        '/unit add TT-A3 "" TT-TANTHANH': "không được để trống",
        '/unit add TT-A3 "\u200b\u2800" TT-TANTHANH': "ký tự vô hình",
        f'/unit add TT-A3 "{"Ấp" * 101}" TT-TANTHANH': "tối đa 200 ký tự",
        "/unit rename NOWHERE “Ấp”": "Không có đơn vị mã NOWHERE",
        '/unit rename TT-A2 "\u200d"': "ký tự vô hình",
        "/unit move TT-A2 TT-A2-T1": "thành một vòng",
        "/unit move TT-A2 tt-a2": "thành một vòng",
        "/unit move TT-A2 HANOI": "Không có đơn vị cấp trên mã HANOI",
        "/unit move TT-A2 TT-TANTHANH": "không có gì thay đổi",
        '/unit add TT-A3 "Ấp 3 TT-TANTHANH': "Cách dùng",  # the quote never closes
        "/unit delete TT-A2": "Cách dùng",
        "/unit": "Cách dùng",
    }
    for command, reason in cases.items():
        answer = await unit_says(harness, command)
        assert reason in answer, (command, answer)
        assert "\n" not in answer or reason == "Cách dùng", answer  # a refusal is one line
    listing = await unit_says(harness, "/unit list")
    assert listing.startswith("Cây đơn vị (6 đơn vị):")
    assert "    • TT-TANTHANH" in listing and "        • TT-A2 — Ấp 2" in listing
    assert [a for a, _, _ in await audit_of(harness, "TT-A2")] == ["unit.add"]


async def test_only_admins_manage_units_and_only_in_private(harness):
    fake, people = harness.fake, harness.people
    for user in (people.officer, people.editor, people.resident):
        refused = await unit_says(harness, '/unit add TT-A2 "Ấp 2" TT-TANTHANH', user)
        assert refused == "Lệnh này chỉ dành cho quản trị viên."
    group = fake.group("Tổ 12", members=5)
    in_group = (await say(fake, people.admin, "/donvi list", chat=group))["text"]
    assert in_group == "Lệnh này chỉ dùng trong tin nhắn riêng với bot."
    assert "TT-A2" not in await unit_says(harness, "/unit list")
    admin_menu = {c["command"] for c in fake.commands(scope_type="chat", chat_id=people.admin.id,
                                                      language_code="vi")}
    officer_menu = {c["command"] for c in fake.commands(
        scope_type="chat", chat_id=people.officer.id, language_code="vi")}
    assert {"unit", "donvi"} <= admin_menu and "unit" not in officer_menu
    assert "/unit" in await unit_says(harness, "/help")


async def test_chat_units_are_kept_across_a_restart(harness):
    fake, people = harness.fake, harness.people
    await unit_says(harness, '/unit add TT-TANTHANH-A2 "Ấp 2" TT-TANTHANH')
    await harness.restart()
    listing = await unit_says(harness, "/unit list")
    assert "        • TT-TANTHANH-A2 — Ấp 2 (thêm trong chat)" in listing
    group = fake.group("Tổ Ấp 2", members=6)
    registered = (await say(fake, people.officer, "/dangky TT-TANTHANH-A2", chat=group))["text"]
    assert "TT-TANTHANH-A2" in registered and "Ấp 2" in registered


async def test_a_moved_unit_counts_for_its_new_units_above(harness):
    fake, people = harness.fake, harness.people
    await unit_says(harness, '/unit add TT-TANTHANH-A2 "Ấp 2" TT-TANTHANH')
    await file_guided_tip(fake, people.resident, commune="TT-TANTHANH-A2")
    officer, other, admin = people.officer, people.other_officer, people.admin
    assert [await tips_received(harness, officer), await tips_received(harness, other)] == [1, 0]
    await unit_says(harness, "/unit move TT-TANTHANH-A2 TT-BINHTHANH")
    assert [await tips_received(harness, officer), await tips_received(harness, other)] == [0, 1]
    assert await tips_received(harness, admin, "/stats TT-TANTHANH-A2") == 1
    assert await tips_received(harness, admin, "/stats DT") == 1
