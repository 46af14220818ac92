"""``python -m bot shell`` in scripted mode: the real bot against the emulator, driven by lines
of text, checked on the transcript it prints (issue 6)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shell.console import run_script
from shell.launch import ShellOptions, ShellWorld, launch
from shell.session import ShellSession

REPO = Path(__file__).resolve().parents[2]
# Tuesday 03/03/2026 09:00 in Asia/Ho_Chi_Minh: the demo's "mon,thu 08:00" slot is two days on.
START = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)

Transcript = list[tuple[str, list[str]]]  # (echoed input line, what was printed after it)


class ScriptedShell:
    def __init__(self, world: ShellWorld, session: ShellSession, lines: list[str]) -> None:
        self.world = world
        self.session = session
        self.lines = lines

    async def run(self, script: str) -> Transcript:
        """Run the script; returns only its own part of the transcript, block by input line."""
        first = len(self.lines)
        await run_script(self.session, script.strip().splitlines(), self.lines.append)
        blocks: Transcript = []
        for line in self.lines[first:]:
            if line.startswith("» "):
                blocks.append((line, []))
            else:
                blocks[-1][1].append(line)
        return blocks


def output_of(blocks: Transcript, line_end: str) -> list[str]:
    """What followed the last input line ending with ``line_end``."""
    found = [output for echo, output in blocks if echo.endswith(line_end)]
    assert found, f"no input line ending with {line_end!r}: {[echo for echo, _ in blocks]}"
    return found[-1]


def chat_blocks(output: list[str], chat: str) -> list[list[str]]:
    """The bot's messages to one chat (``🤖 → <chat>:``, on Zalo ``💬 Zalo → <chat>:``, and the
    lines under it)."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in output:
        if line.startswith(("🤖", "⏰", "💬", "📱")):
            current = [] if line.startswith((f"🤖 → {chat}", f"💬 Zalo → {chat}")) else None
            if current is not None:
                blocks.append(current)
        elif current is not None:
            current.append(line)
    return blocks


@pytest.fixture
async def shell(tmp_path: Path) -> AsyncIterator[ScriptedShell]:
    world = await launch(ShellOptions(data_dir=tmp_path / "shell", start=START))
    lines: list[str] = []
    session = ShellSession(world, lines.append, tmp_path / "shell" / "files")
    await session.intro(tmp_path / "shell")
    try:
        yield ScriptedShell(world, session, lines)
    finally:
        await world.stop()


async def test_shell_starts_with_the_demo_people_and_registered_groups(shell):
    intro = "\n".join(shell.lines)
    for key in ("resident", "officer", "editor", "admin"):
        assert f":as {key}" in intro
    assert ":group 1   Tổ tự quản Ấp 1 Tân Thành — Xã Tân Thành" in intro
    assert ":group 3   Tổ tự quản Ấp Bình Hòa — Xã Bình Thành" in intro
    assert "(!)" not in intro  # every group was registered through /register
    assert all(g.unit_code == g.planned_unit for g in shell.world.cast.groups)
    assert "Thứ Ba 03/03/2026 09:00" in intro
    assert (shell.world.config_path.parent / "bot.db").exists()


async def test_shell_tip_is_filed_assessed_and_counted(shell, tmp_path):
    note = tmp_path / "ghi-chu.txt"
    note.write_text("Biển số xe: 66B1-123.45", encoding="utf-8")
    blocks = await shell.run(f"""
        /tip
        :press 3
        :press 1
        Có người lạ bán ma túy ở cuối hẻm 12 mỗi tối
        :photo Ảnh chụp từ xa
        :file {note} Ghi chú biển số
        :file {tmp_path / "missing.txt"}
        :press 1
    """)
    assert output_of(blocks, "missing.txt") == [
        f"Không đọc được tệp {tmp_path / 'missing.txt'}."]
    receipt = output_of(blocks, ":press 1")
    code = re.search(r"TIP-[0-9A-Z]{6}", "\n".join(receipt)).group(0)
    assert chat_blocks(receipt, "Phạm Thị Hà (riêng)")
    notices = chat_blocks(receipt, "Trần Văn Công (riêng)")
    notice = next(b for b in notices if f"🔔 Tin báo mới {code}" in "\n".join(b))
    assert "   Có người lạ bán ma túy ở cuối hẻm 12 mỗi tối" in notice
    assert "   [1] Có giá trị   [2] Không giá trị   [3] Tin sai" in notice
    photo = next(b for b in notices if b and b[0].startswith("   🖼 ảnh: "))
    saved = Path(photo[0].removeprefix("   🖼 ảnh: "))
    assert (await asyncio.to_thread(saved.read_bytes)).startswith(b"\x89PNG")
    assert "   Ảnh chụp từ xa" in photo
    # The officer's copy goes by a neutral name, never the tipster's own file name.
    assert not any("ghi-chu" in line for block in notices for line in block)
    document = next(b for b in notices if b and b[0].startswith("   📄 tệp tin-bao.txt: "))
    saved = Path(document[0].removeprefix("   📄 tệp tin-bao.txt: "))
    assert await asyncio.to_thread(saved.read_text, encoding="utf-8") == "Biển số xe: 66B1-123.45"
    assert "   Ghi chú biển số" in document

    blocks = await shell.run(f"""
        :as officer
        :press 1
        /status {code}
        /stats
    """)
    assessed = output_of(blocks, ":press 1")
    assert any(line.startswith("🤖 💬 Trần Văn Công:") for line in assessed)
    told = chat_blocks(assessed, "Phạm Thị Hà (riêng)")
    assert told and "đang được Công an xác minh" in "\n".join(told[0])
    assert "có giá trị" in "\n".join(output_of(blocks, f"/status {code}"))
    stats = "\n".join(output_of(blocks, "/stats"))
    assert "1 tin tiếp nhận — 1 có giá trị" in stats
    assert "Nhóm: 2 nhóm, 39 thành viên" in stats  # 24 + 17 people, the bot not counted


async def test_shell_alert_reaches_the_groups_and_a_queued_bulletin_goes_out_at_the_slot(shell):
    blocks = await shell.run("""
        :as officer
        /alert Cảnh báo: giả danh công an gọi điện đòi chuyển tiền
        /bulletin Phòng cháy mùa khô: không đốt rác gần nhà
        :time +1d
        :time +2d
        :group ap 1
        :press 2
    """)
    alert = output_of(blocks, "/alert Cảnh báo: giả danh công an gọi điện đòi chuyển tiền")
    for title in ("Tổ tự quản Ấp 1 Tân Thành", "Tổ tự quản Ấp 2 Tân Thành"):
        copies = chat_blocks(alert, f"nhóm {title}")
        assert len(copies) == 1
        assert "   Cảnh báo: giả danh công an gọi điện đòi chuyển tiền" in copies[0]
        assert copies[0][-1] == "   [2] ✅ Đã phổ biến"
    assert not chat_blocks(alert, "nhóm Tổ tự quản Ấp Bình Hòa")  # another commune
    assert "đã gửi 2/2 nhóm" in "\n".join(alert)

    assert output_of(blocks, ":time +1d") == ["⏰ Giờ trong shell: Thứ Tư 04/03/2026 09:00"]
    slot = output_of(blocks, ":time +2d")
    assert slot[0] == "⏰ Thứ Năm 05/03/2026 08:00 — lịch gửi bản tin"
    assert slot[-1] == "⏰ Giờ trong shell: Thứ Sáu 06/03/2026 09:00"
    for title in ("Tổ tự quản Ấp 1 Tân Thành", "Tổ tự quản Ấp 2 Tân Thành"):
        copies = chat_blocks(slot, f"nhóm {title}")
        assert len(copies) == 1
        assert "   Phòng cháy mùa khô: không đốt rác gần nhà" in copies[0]
    # Bình Thành has no bulletin queued: its officers (the admin above it) hear so.
    assert "TT-BINHTHANH" in "\n".join(chat_blocks(slot, "Nguyễn Văn Quản (riêng)")[0])

    pressed = output_of(blocks, ":press 2")
    assert any(line.startswith("🤖 ✎ nhóm Tổ tự quản Ấp 1 Tân Thành") for line in pressed)
    assert "   [1] 📞 Báo tin cho Công an ↗" in pressed


async def test_shell_week_of_time_runs_every_schedule_in_order(shell):
    blocks = await shell.run("""
        :time +7d
    """)
    week = output_of(blocks, ":time +7d")
    fired = [line for line in week if line.startswith("⏰")]
    assert fired == [
        "⏰ Thứ Năm 05/03/2026 08:00 — lịch gửi bản tin",
        "⏰ Chủ Nhật 08/03/2026 19:00 — kiểm tra chỉ tiêu bản tin trong tuần",
        "⏰ Thứ Hai 09/03/2026 07:30 — báo cáo tuần gửi cán bộ",
        "⏰ Thứ Hai 09/03/2026 08:00 — lịch gửi bản tin",
        "⏰ Giờ trong shell: Thứ Ba 10/03/2026 09:00",
    ]
    # Nothing was queued: at each slot the officers hear the queue is empty, and nothing
    # old is re-sent to a group.
    assert not any(line.startswith("🤖 → nhóm") for line in week)
    assert len(chat_blocks(week, "Trần Văn Công (riêng)")) >= 4


async def test_shell_link_button_opens_the_private_chat_like_a_phone(shell):
    blocks = await shell.run("""
        :group 2
        /tip
        :press 1
    """)
    in_group = output_of(blocks, "/tip")
    assert any("Báo tin riêng cho Công an ↗" in line for line in in_group)
    assert any(line.startswith("🤖 🗑 nhóm Tổ tự quản Ấp 2 Tân Thành") for line in in_group)
    opened = output_of(blocks, ":press 1")
    assert chat_blocks(opened, "Phạm Thị Hà (riêng)")
    assert shell.session.group is None


async def test_shell_new_group_can_be_registered_with_register(shell):
    blocks = await shell.run("""
        :as officer
        :newgroup Tổ tự quản Ấp 3
        /register TT-BINHTHANH
        /register TT-TANTHANH
        :who
    """)
    assert output_of(blocks, ":newgroup Tổ tự quản Ấp 3")[0] == (
        "Bạn đang ở: nhóm Tổ tự quản Ấp 3.")
    refused = output_of(blocks, "/register TT-BINHTHANH")
    assert chat_blocks(refused, "nhóm Tổ tự quản Ấp 3")  # out of this officer's scope
    registered = "\n".join(output_of(blocks, "/register TT-TANTHANH"))
    assert "TT-TANTHANH" in registered
    assert "  :group 4   Tổ tự quản Ấp 3 — Xã Tân Thành" in output_of(blocks, ":who")


async def test_shell_commands_help_and_mistakes_are_answered(shell):
    blocks = await shell.run("""
        :help
        :fly
        :as mayor
        :group nowhere
        :time soon
        :press 9
        /tip
        :press 9
        :who
    """)
    assert output_of(blocks, ":help")[0].startswith("Lệnh của shell")
    assert any(":time +3d" in line for line in output_of(blocks, ":help"))
    help_text = "\n".join(output_of(blocks, ":help"))
    assert "\n  :zalo " in help_text and "\n  :group zalo N " in help_text
    assert output_of(blocks, ":fly") == [
        'Không có lệnh shell ":fly". Gõ :help để xem các lệnh.']
    assert output_of(blocks, ":as mayor")[0].startswith('Không có người "mayor"')
    assert output_of(blocks, ":group nowhere")[0].startswith('Không có nhóm "nowhere"')
    assert output_of(blocks, ":time soon") == ["Cách dùng: :time +3d | +2h | +30m"]
    assert output_of(blocks, ":press 9") == [
        "Không có nút số 9: tin nhắn có nút gần nhất trong chat này có 4 nút."]
    assert blocks[5][1] == ["Trong chat này chưa có nút nào để bấm."]
    assert any(":group 3" in line for line in output_of(blocks, ":who"))


async def test_a_later_run_on_the_same_data_never_shows_a_file_saved_by_an_earlier_one(tmp_path):
    data = tmp_path / "shell"
    shown: list[list[Path]] = []
    for content in ("Lần một: biển số 66B1-111.11", "Lần hai: biển số 66B1-222.22"):
        note = tmp_path / "ghi-chu.txt"
        note.write_text(content, encoding="utf-8")
        world = await launch(ShellOptions(data_dir=data, start=START))
        lines: list[str] = []
        session = ShellSession(world, lines.append, data / "files")
        try:
            await session.intro(data)
            await run_script(session, ["/tip", ":press 3", ":press 1", "Xe lạ trước chợ",
                                       f":file {note}", ":press 1"], lines.append)
        finally:
            await world.stop()
        paths = [Path(line.split(": ", 1)[1]) for line in lines if line.startswith("   📄 ")]
        assert paths, lines
        # Every file this run shows is one this run saved, with what was sent in this run.
        for path in paths:
            assert await asyncio.to_thread(path.read_text, encoding="utf-8") == content
        shown.append(paths)
    first, second = shown
    assert not set(first) & set(second)
    for path in first:  # an earlier run's files stay as they were
        assert (await asyncio.to_thread(path.read_text, encoding="utf-8")).startswith("Lần một")


async def test_shell_speaks_english_with_lang_en(tmp_path):
    world = await launch(ShellOptions(data_dir=tmp_path / "shell", language="en", start=START))
    lines: list[str] = []
    session = ShellSession(world, lines.append, tmp_path / "shell" / "files")
    try:
        await session.intro(tmp_path / "shell")
        await run_script(session, ["/start", ":help", ":as officer", ":time +2h"], lines.append)
    finally:
        await world.stop()
    text = "\n".join(lines)
    assert "Tuesday 03/03/2026 09:00" in text
    assert "» Phạm Thị Hà · private: /start" in text
    assert "Shell commands (any other line is sent to the bot as a message):" in text
    assert "You are now Trần Văn Công (private)." in text
    assert "⏰ Shell time: Tuesday 03/03/2026 11:00" in text
    assert "Xin chào" not in text
    assert "  :zalo                                become a resident chatting 1:1" in text
    assert "  :group zalo 1   Zalo group Tổ tự quản Ấp 5 Tân Thành — zalo:" in text


async def test_shell_takes_a_config_file_and_registers_a_group_per_unit(write_config, tmp_path):
    world = await launch(ShellOptions(data_dir=tmp_path / "shell", config_path=write_config(),
                                      start=START))
    try:
        cast = world.cast
        assert sorted(cast.people) == ["admin", "editor", "officer", "officer2", "resident"]
        assert cast.people["officer"].user.id == 900000002  # the config's Telegram id
        assert [g.unit_code for g in cast.groups] == ["TT-TANTHANH", "TT-TANTHANH-A1",
                                                      "TT-BINHTHANH"]
        assert all(g.unit_code == g.planned_unit for g in cast.groups)
        # Its own storage: the config's database is not touched.
        assert world.config.storage_url.endswith(str(tmp_path / "shell" / "bot.db"))
        assert not (tmp_path / "data").exists()
    finally:
        await world.stop()


async def test_python_m_bot_shell_reads_a_script_without_token_or_network(tmp_path):
    script = "/tip Xe máy lạ đậu trước chợ cả tuần nay\n:press 3\n:as officer\n/tips\n"
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "BOT_CONFIG")}
    env["PYTHONPATH"] = str(REPO)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "shell", "--data", str(tmp_path / "d"), cwd=tmp_path,
        env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(script.encode()), timeout=120)
    text = out.decode()
    assert process.returncode == 0, err.decode()[-2000:]
    assert text.startswith("Kết Nối ANTT — shell ngoại tuyến")
    assert f"Dữ liệu: {tmp_path / 'd'}" in text
    assert "» Phạm Thị Hà · riêng: /tip Xe máy lạ đậu trước chợ cả tuần nay" in text
    assert "Mã tin báo của bạn: TIP-" in text
    assert "» Trần Văn Công · riêng: /tips" in text
    assert text.rstrip().endswith(f"Đã dừng bot. Dữ liệu còn ở {tmp_path / 'd'}.")
    assert (tmp_path / "d" / "config.toml").exists() and (tmp_path / "d" / "shell.log").exists()


async def test_shell_sms_plays_a_phone_texting_the_gateway_and_prints_the_sms_it_gets(shell):
    blocks = await shell.run("""
        :help
        :sms
        :sms 0901 234 567
        DK TT-TANTHANH
        TB Có người lạ hay đứng ở cầu ấp 1
        :photo
        :sms 0123
    """)
    assert any(":sms 0901234567" in line for line in output_of(blocks, ":help"))
    assert output_of(blocks, ":sms")[0].startswith("Chưa có số nào")
    assert output_of(blocks, ":sms 0901 234 567") == [
        "Bạn đang là 📱 0901234567 (SMS tới máy gửi tin)."]
    subscribed = output_of(blocks, "DK TT-TANTHANH")
    assert subscribed[0] == "📱 → 0901234567 (SMS, 1 đoạn):"
    assert subscribed[1].startswith("   Da dang ky nhan tin nhan an ninh")
    filed = output_of(blocks, "TB Có người lạ hay đứng ở cầu ấp 1")
    code = re.search(r"TIP-[0-9A-Z]{6}", "\n".join(filed)).group(0)
    receipt = "\n".join(filed[filed.index("📱 → 0901234567 (SMS, 2 đoạn):") + 1:])
    assert f"nhan TT {code}" in receipt and "/status" not in receipt
    notice = chat_blocks(filed, "Trần Văn Công (riêng)")
    assert any("Có người lạ hay đứng ở cầu ấp 1" in "\n".join(b) for b in notice)
    assert output_of(blocks, ":photo")[0].startswith("Qua SMS chỉ gửi được chữ")
    assert output_of(blocks, ":sms 0123")[0].startswith("Không dùng được số này: thiếu chữ số")

    blocks = await shell.run(f"""
        :as officer
        /reply {code} Người đó đi xe gì?
        :sms 0901234567
        TL {code} Xe máy màu đỏ
        :sms
    """)
    asked = output_of(blocks, f"/reply {code} Người đó đi xe gì?")
    question = asked[asked.index("📱 → 0901234567 (SMS, 1 đoạn):") + 1:]
    assert question[:2] == [f"   Cong an hoi them ve tin bao {code}:", "   Nguoi do di xe gi?"]
    answered = output_of(blocks, f"TL {code} Xe máy màu đỏ")
    assert any("Xe máy màu đỏ" in "\n".join(b)
               for b in chat_blocks(answered, "Trần Văn Công (riêng)"))
    assert output_of(blocks, ":sms")[1:] == [
        "  :sms 0901234567   đã nhắn 3 tin, đã nhận 4 SMS"]


async def test_shell_zalo_resident_files_a_tip_and_a_question_waits_out_the_reply_window(shell):
    blocks = await shell.run("""
        :zalo
        báo tin
        :press 3
        :press 1
        1
        Có người bán ma túy ở bến đò
        :press 1
    """)
    assert output_of(blocks, ":zalo") == ["Bạn đang là Võ Thị Lan (Zalo) (Zalo OA, chat riêng)."]
    [units] = chat_blocks(output_of(blocks, "báo tin"), "Võ Thị Lan (Zalo, riêng)")
    assert "   3. Xã Tân Thành" in units  # numbered lines, for clients without buttons
    assert units[-1].startswith("   [1] ✔ Chọn Tỉnh Đồng Tháp   [2] Xã Bình Thành")
    filed = output_of(blocks, "Có người bán ma túy ở bến đò")
    assert chat_blocks(filed, "Võ Thị Lan (Zalo, riêng)")[0][-1] == (
        "   [1] Gửi tin báo   [2] Hủy")
    receipt = output_of(blocks, ":press 1")
    code = re.search(r"TIP-[0-9A-Z]{6}", "\n".join(receipt)).group(0)
    notice = next(b for b in chat_blocks(receipt, "Trần Văn Công (riêng)")
                  if f"🔔 Tin báo mới {code}" in "\n".join(b))
    assert "   Có người bán ma túy ở bến đò" in notice
    assert "Xã Tân Thành" in "\n".join(notice)
    # Nothing on Telegram names the resident: staff see the tip, never who sent it.
    assert not any("Võ Thị Lan" in line for line in receipt if not line.startswith("💬"))

    # Eight silent days: Zalo's 7-day reply window closed on the shell's clock, so the
    # officer's question waits for the resident's next message.
    blocks = await shell.run(f"""
        :time +8d
        :as officer
        /reply {code} Người bán đi xe gì?
        :zalo
        /trangthai {code}
    """)
    asked = output_of(blocks, f"/reply {code} Người bán đi xe gì?")
    assert "sẽ gửi khi người báo tin nhắn lại" in "\n".join(asked)
    assert not chat_blocks(asked, "Võ Thị Lan (Zalo, riêng)")
    came = chat_blocks(output_of(blocks, f"/trangthai {code}"), "Võ Thị Lan (Zalo, riêng)")
    assert any("Người bán đi xe gì?" in "\n".join(block) for block in came)


async def test_shell_zalo_group_linked_by_an_officer_gets_the_alert(shell):
    zalo_group = shell.world.zalo.groups[0]
    blocks = await shell.run(f"""
        :who
        :as officer
        /nhom zalo
        /dangky TT-TANTHANH zalo:{zalo_group.id}
        /alert Cảnh báo: giả danh công an gọi điện đòi chuyển tiền
        :group zalo 1
        :group zalo 9
        :private
    """)
    cast = output_of(blocks, ":who")
    assert any(line.startswith("  :zalo ") and "Võ Thị Lan" in line for line in cast)
    assert f"  :group zalo 1   nhóm Zalo Tổ tự quản Ấp 5 Tân Thành — zalo:{zalo_group.id}" in cast
    assert zalo_group.id in "\n".join(output_of(blocks, "/nhom zalo"))
    alert = output_of(blocks, "/alert Cảnh báo: giả danh công an gọi điện đòi chuyển tiền")
    [copy] = chat_blocks(alert, "nhóm Zalo Tổ tự quản Ấp 5 Tân Thành")
    assert "   Cảnh báo: giả danh công an gọi điện đòi chuyển tiền" in copy
    assert not chat_blocks(alert, "nhóm Zalo Tổ tự quản Ấp Bình Lợi")  # not linked
    assert output_of(blocks, ":group zalo 1") == [
        "Bạn đang ở: nhóm Zalo Tổ tự quản Ấp 5 Tân Thành."]
    assert output_of(blocks, ":group zalo 9")[0].startswith('Không có nhóm "zalo 9"')
    assert shell.session.zalo_seat is None  # :private is back on Telegram
