"""Foundation, end to end: the real bot against the fake Bot API (issue 2's "done when")."""

from __future__ import annotations

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat, chat_id_of
from storage.groups import find_group
from storage.schema import staff as staff_table


def texts(fake, chat_id):
    return [m.get("text", "") for m in fake.sent_messages(chat_id)]


async def reply_to(fake, user, text, chat=None):
    """Send ``text`` as ``user`` and return the bot's next message in that chat."""
    chat_id = chat.id if chat is not None else user.id
    before = len(fake.sent_messages(chat_id))
    fake.send_message(user, text, chat=chat)
    await fake.wait_for_message(chat_id, lambda m: len(fake.sent_messages(chat_id)) > before)
    return fake.sent_messages(chat_id)[before]["text"]


async def group_record(harness, chat_id):
    async with harness.bot.services.db.reading() as conn:
        return await find_group(conn, address_of_chat(chat_id))


async def test_bot_registers_its_commands_per_scope_and_language(harness):
    fake, people = harness.fake, harness.people
    private_vi = {c["command"]: c["description"]
                  for c in fake.commands(scope_type="all_private_chats", language_code="vi")}
    assert {"start", "help", "huongdan", "cancel", "huy"} <= set(private_vi)
    assert "staff" not in private_vi and "register" not in private_vi
    private_en = {c["command"]: c["description"]
                  for c in fake.commands(scope_type="all_private_chats", language_code="en")}
    assert private_en["help"] != private_vi["help"]
    admins = {c["command"] for c in fake.commands(scope_type="all_chat_administrators",
                                                  language_code="vi")}
    assert {"register", "dangky"} <= admins
    admin_menu = {c["command"] for c in fake.commands(scope_type="chat", chat_id=people.admin.id,
                                                      language_code="vi")}
    assert {"staff", "canbo", "groups", "nhom"} <= admin_menu
    editor_menu = {c["command"] for c in fake.commands(scope_type="chat",
                                                       chat_id=people.editor.id,
                                                       language_code="vi")}
    assert "groups" in editor_menu and "staff" not in editor_menu


async def test_added_to_a_group_the_bot_greets_and_an_officer_registers_it(harness):
    fake, people = harness.fake, harness.people
    group = fake.group("Tổ tự quản số 5", members=25)
    fake.add_bot_to_group(group, people.officer)
    greeting = await fake.wait_for_message(group.id)
    assert "/register" in greeting["text"] and "@" + fake.bot_username in greeting["text"]
    answer = await reply_to(fake, people.officer, "/register tt-tanthanh-a1", chat=group)
    assert "TT-TANTHANH-A1" in answer and "Ấp 1" in answer
    record = await group_record(harness, group.id)
    assert record.unit_code == "TT-TANTHANH-A1" and record.status == "active"
    assert record.member_count == 24  # Telegram's count minus the bot (SPEC §12)


async def test_register_is_refused_for_a_resident_and_an_officer_of_another_commune(harness):
    fake, people = harness.fake, harness.people
    group = fake.group("Tổ 7 Tân Thành", members=12)
    fake.add_bot_to_group(group, people.resident)
    await fake.wait_for_message(group.id)
    refused = await reply_to(fake, people.resident, "/register TT-TANTHANH", chat=group)
    assert refused == "Lệnh này chỉ dành cho cán bộ công an của đơn vị."
    foreign = await reply_to(fake, people.other_officer, "/dangky TT-TANTHANH", chat=group)
    assert "ngoài phạm vi" in foreign
    editor = await reply_to(fake, people.editor, "/register TT-TANTHANH", chat=group)
    assert editor == refused
    record = await group_record(harness, group.id)
    assert record.unit_code is None and record.status == "seen"


async def test_register_needs_a_group_and_a_known_code(harness):
    fake, people = harness.fake, harness.people
    private = await reply_to(fake, people.officer, "/register TT-TANTHANH")
    assert private == "Lệnh này chỉ dùng trong nhóm."
    group = fake.group("Tổ 8", members=5)
    usage = await reply_to(fake, people.officer, "/register", chat=group)
    assert "/register MÃ_ĐƠN_VỊ" in usage
    unknown = await reply_to(fake, people.officer, "/register HANOI", chat=group)
    assert "HANOI" in unknown
    assert (await group_record(harness, group.id)) is None


async def test_removed_group_is_inactive_and_a_migrated_group_keeps_its_unit(harness):
    fake, people = harness.fake, harness.people
    removed = fake.group("Tổ 9", members=9)
    fake.add_bot_to_group(removed, people.officer)
    await fake.wait_for_message(removed.id)
    await reply_to(fake, people.officer, "/register TT-TANTHANH", chat=removed)
    fake.remove_bot_from_group(removed, people.officer)
    migrating = fake.group("Tổ 10", members=30)
    fake.add_bot_to_group(migrating, people.officer)
    await fake.wait_for_message(migrating.id)
    await reply_to(fake, people.officer, "/register TT-TANTHANH", chat=migrating)
    supergroup = fake.migrate_to_supergroup(migrating)
    await harness.settle()
    listing = await reply_to(fake, people.officer, "/groups")
    assert "Tổ 9" in listing and "bot đã bị xóa khỏi nhóm" in listing
    assert (await group_record(harness, removed.id)).status == "inactive"
    moved = await group_record(harness, supergroup.id)
    assert moved is not None and moved.unit_code == "TT-TANTHANH"
    assert await group_record(harness, migrating.id) is None


async def test_groups_lists_only_the_officers_scope(harness):
    fake, people = harness.fake, harness.people
    mine, theirs = fake.group("Nhóm Tân Thành", members=4), fake.group("Nhóm Bình Thành",
                                                                        members=6)
    for group, officer, code in ((mine, people.officer, "TT-TANTHANH"),
                                 (theirs, people.other_officer, "TT-BINHTHANH")):
        fake.add_bot_to_group(group, officer)
        await fake.wait_for_message(group.id)
        await reply_to(fake, officer, f"/register {code}", chat=group)
    listing = await reply_to(fake, people.officer, "/nhom")
    assert "Nhóm Tân Thành" in listing and "3 thành viên" in listing
    assert "Nhóm Bình Thành" not in listing
    assert "Nhóm Bình Thành" in await reply_to(fake, people.admin, "/groups")
    assert "TT-BINHTHANH" in await reply_to(fake, people.officer, "/groups TT-BINHTHANH")
    refused = await reply_to(fake, people.resident, "/groups")
    assert refused == "Lệnh này chỉ dành cho cán bộ công an và biên tập viên của đơn vị."


async def test_groups_shows_each_groups_last_bulletin(harness):
    fake, people = harness.fake, harness.people
    group = fake.group("Tổ 12", members=5)
    await reply_to(fake, people.officer, "/register TT-TANTHANH", chat=group)
    await harness.settle()
    assert "Tổ 12 — TT-TANTHANH — 4 thành viên — chưa nhận bản tin nào" in await reply_to(
        fake, people.officer, "/groups")
    await reply_to(fake, people.officer, "/alert Cảnh báo giả danh công an")
    # The summary comes once every delivery row is marked.
    await fake.wait_for_message(people.officer.id, lambda m: "đã gửi 1/1 nhóm" in m["text"])
    # The test clock reads 05/03/2026 08:00 in Asia/Ho_Chi_Minh.
    assert "Tổ 12 — TT-TANTHANH — 4 thành viên — bản tin gần nhất 05/03/2026" in await reply_to(
        fake, people.officer, "/groups")


async def test_admin_manages_staff_in_chat(harness):
    fake, people = harness.fake, harness.people
    newcomer = fake.user("Đỗ Văn Mới")
    added = await reply_to(fake, people.admin, f"/staff add {newcomer.id} officer tt-binhthanh")
    assert str(newcomer.id) in added and "TT-BINHTHANH" in added
    await fake.wait_for_call("setMyCommands",
                             lambda c: c.params.get("scope", {}).get("chat_id") == newcomer.id)
    listing = await reply_to(fake, people.admin, "/canbo list")
    assert str(newcomer.id) in listing and "(config.toml)" in listing
    refused = await reply_to(fake, people.officer, f"/staff remove {newcomer.id}")
    assert refused == "Lệnh này chỉ dành cho quản trị viên."
    assert "config.toml" in await reply_to(fake, people.admin, f"/staff remove {people.officer.id}")
    assert "MÃ_ĐƠN_VỊ" in await reply_to(fake, people.admin, "/staff add 12 boss")
    bad_role = await reply_to(fake, people.admin, f"/staff add {newcomer.id} boss DT")
    assert "admin, officer" in bad_role
    removed = await reply_to(fake, people.admin, f"/staff remove {newcomer.id}")
    assert str(newcomer.id) in removed
    async with harness.bot.services.db.reading() as conn:
        rows = [chat_id_of(address) for address in
                (await conn.execute(select(staff_table.c.address))).scalars().all()]
    assert newcomer.id not in rows and people.officer.id in rows


async def test_help_shows_only_what_this_person_may_do(harness):
    fake, people = harness.fake, harness.people
    resident_help = await reply_to(fake, people.resident, "/help")
    assert "/start" in resident_help and "/staff" not in resident_help
    assert "/groups" not in resident_help
    admin_help = await reply_to(fake, people.admin, "/huongdan")
    assert "/staff (/canbo)" in admin_help and "/groups (/nhom)" in admin_help
    group = fake.group("Tổ 11", members=3)
    group_help = await reply_to(fake, people.officer, "/help", chat=group)
    assert "/register (/dangky)" in group_help and "/start" not in group_help


async def test_start_and_cancel_answer_everyone(harness):
    fake, people = harness.fake, harness.people
    assert "Kết Nối ANTT" in await reply_to(fake, people.resident, "/start")
    staff_welcome = await reply_to(fake, people.officer, "/start")
    assert "TT-TANTHANH" in staff_welcome
    assert await reply_to(fake, people.resident, "/huy") == "Không có thao tác nào đang dở."


async def test_odd_input_gets_a_clear_answer_or_is_ignored(harness):
    fake, people = harness.fake, harness.people
    assert "/help" in await reply_to(fake, people.resident, "/khongcolenhnay")
    before = len(fake.sent_messages(people.resident.id))
    fake.send_sticker(people.resident)
    await fake.wait_for_message(people.resident.id,
                                lambda m: len(fake.sent_messages(people.resident.id)) > before)
    assert "/help" in fake.sent_messages(people.resident.id)[-1]["text"]
    long_text = "a" * 4096
    assert "/help" in await reply_to(fake, people.resident, long_text)
    group = fake.group("Tổ 12", members=3)
    fake.send_message(people.resident, "chào cả nhà", chat=group)
    fake.send_sticker(people.resident, chat=group)
    await harness.settle()
    assert texts(fake, group.id) == []


async def test_a_failure_inside_a_handler_is_answered_and_logged_redacted(harness):
    fake, people = harness.fake, harness.people
    fake.inject_error("sendMessage", chat_id=people.resident.id, error_code=400,
                      description="Bad Request: something odd", times=1)
    answer = await reply_to(fake, people.resident, "/start")
    assert "không bị mất" in answer
    assert "something odd" in harness.logs.getvalue().lower()


async def test_logs_at_debug_carry_no_identifier_or_token(harness):
    fake, people = harness.fake, harness.people
    group = fake.group("Tổ 13", members=3)
    fake.add_bot_to_group(group, people.resident)
    await fake.wait_for_message(group.id)
    await reply_to(fake, people.resident, "/help")
    await reply_to(fake, people.resident, "/register TT-TANTHANH", chat=group)
    logs = harness.logs.getvalue()
    assert "getUpdates" in logs  # DEBUG really was on and PTB/httpx logged the traffic
    resident = people.resident
    for secret in (str(resident.id), resident.first_name, resident.last_name, resident.username,
                   fake.token):
        assert secret not in logs, secret


async def test_a_command_gets_exactly_one_answer(harness):
    fake, people = harness.fake, harness.people
    chat_id = people.admin.id
    before = len(fake.sent_messages(chat_id))
    fake.send_message(people.admin, "/canbo list")
    # Updates are handled one after another: once the probe is answered, so is the command.
    fake.send_message(people.admin, "/huy")
    await fake.wait_for_message(chat_id, lambda m: m["text"] == "Không có thao tác nào đang dở.")
    answers = [m["text"] for m in fake.sent_messages(chat_id)[before:]]
    assert len(answers) == 2 and answers[0].startswith("Cán bộ (4):")
