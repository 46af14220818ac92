"""``/stats`` in chat (SPEC §6): an officer gets this month's figures for their scope, in
Vietnamese formats, and with ``chart`` a photo of the weekly chart; other units and residents
learn nothing."""

from __future__ import annotations

import handlers.stats
from reports.render.chart import render_weekly_chart
from storage.tip_records import Assessment
from tests.e2e.tip_steps import say
from tests.stats_seed import (
    add_groups,
    count_members,
    file_tip,
    local,
    record_outcome,
    send_bulletin,
)


async def seed_march(db) -> None:
    """The clock says Thursday 5 March 2026, 08:00 in Hồ Chí Minh City."""
    chats = await add_groups(db, "TT-TANTHANH", [600, 630], local(2026, 2, 10))
    hamlet = await add_groups(db, "TT-TANTHANH-A1", [4], local(2026, 2, 10))
    await count_members(db, hamlet, [5], local(2026, 3, 1))
    await add_groups(db, "TT-BINHTHANH", [90], local(2026, 2, 10))
    await send_bulletin(db, "TT-TANTHANH", chats + hamlet, local(2026, 3, 2))
    await send_bulletin(db, "TT-TANTHANH", chats, local(2026, 2, 26))  # last month
    tip = await file_tip(db, "TT-TANTHANH", local(2026, 3, 1, 0, 5), category="drugs",
                         assessment=Assessment.VALUABLE, closed=True)
    await file_tip(db, "TT-TANTHANH-A1", local(2026, 3, 4, 22), category="theft",
                   assessment=Assessment.FALSE)
    await file_tip(db, "TT-TANTHANH", local(2026, 2, 28, 23, 59), category="drugs")
    await file_tip(db, "TT-BINHTHANH", local(2026, 3, 3), category="fraud")
    await record_outcome(db, "TT-TANTHANH", local(2026, 3, 4), {"cases": 1, "persons": 3}, tip)


async def test_officer_gets_this_month_figures_for_their_scope(harness):
    fake, people = harness.fake, harness.people
    await seed_march(harness.bot.services.db)
    text = (await say(fake, people.officer, "/stats month"))["text"]
    assert "TT-TANTHANH" in text and "Xã Tân Thành" in text
    assert "2026-03 (từ 01/03/2026 đến 31/03/2026)" in text
    assert "Nhóm: 3 nhóm, 1.235 thành viên" in text
    assert "Bản tin: 1 bản tin đã chuyển tải, 3 lượt gửi tới nhóm, 0 lượt lỗi" in text
    assert "Nguồn tin: 2 tin tiếp nhận — 1 có giá trị, 0 không có giá trị, 1 sai sự thật" in text
    assert "1 đã kết thúc" in text
    assert "Ma túy 1, Trộm cắp 1" in text and "Lừa đảo" not in text
    assert "Kết quả:\n• Vụ việc được làm rõ: 1 vụ\n• Đối tượng: 3" in text
    assert "Dao tự chế" not in text  # kinds without results are left out
    # The week in progress (W10) is not judged yet; W09 had no bulletin for the hamlet group.
    assert "tuần 09 (23/02/2026–01/03/2026)" in text and "tuần 10" not in text

    assert (await say(fake, people.officer, "/thongke"))["text"] == text  # month by default
    hamlet = (await say(fake, people.officer, "/thongke 2026-03 tt-tanthanh-a1"))["text"]
    assert "Nhóm: 1 nhóm, 5 thành viên" in hamlet
    province = (await say(fake, people.admin, "/stats DT"))["text"]
    assert "Nhóm: 4 nhóm, 1.325 thành viên" in province and "3 tin tiếp nhận" in province


async def test_stats_refuse_other_scopes_bad_words_and_residents(harness):
    fake, people = harness.fake, harness.people
    await seed_march(harness.bot.services.db)
    foreign = (await say(fake, people.officer, "/stats month TT-BINHTHANH"))["text"]
    unknown = (await say(fake, people.officer, "/stats month NOWHERE"))["text"]
    assert foreign.replace("TT-BINHTHANH", "X") == unknown.replace("NOWHERE", "X")
    assert "90" not in foreign
    bad = (await say(fake, people.officer, "/stats 2026-13 TT-TANTHANH"))["text"]
    assert "«2026-13»" in bad and "2026-Q1" in bad
    charted = (await say(fake, people.officer, "/stats chart TT-BINHTHANH"))["text"]
    assert charted == foreign  # no figures of another scope, and no chart either
    refused = (await say(fake, people.resident, "/stats"))["text"]
    assert refused == "Lệnh này chỉ dành cho cán bộ công an và biên tập viên của đơn vị."
    await harness.settle()
    assert not fake.calls_to("sendPhoto")


async def test_stats_month_chart_sends_the_figures_then_a_photo_of_the_weeks(harness,
                                                                           monkeypatch):
    fake, people = harness.fake, harness.people
    drawn = []

    def recording_renderer(series, tr):
        drawn.append(series)
        return render_weekly_chart(series, tr)

    monkeypatch.setattr(handlers.stats, "weekly_chart_png", recording_renderer)
    await seed_march(harness.bot.services.db)
    text = (await say(fake, people.officer, "/stats month chart"))["text"]
    assert "Nhóm: 3 nhóm, 1.235 thành viên" in text
    upload = await fake.wait_for_call("sendPhoto")
    assert upload.params["chat_id"] == people.officer.id
    assert upload.files["photo"][:8] == b"\x89PNG\r\n\x1a\n"
    photo = await fake.wait_for_message(people.officer.id, lambda m: "photo" in m)
    assert photo["caption"] == "Biểu đồ TT-TANTHANH, kỳ 2026-03 (01/03/2026–31/03/2026)"
    action = await fake.wait_for_call("sendChatAction")
    assert action.params["action"] == "upload_photo"

    series = drawn[0]
    assert series.unit_code == "TT-TANTHANH" and series.period.label == "2026-03"
    assert [w.label for w in series.weeks] == [f"2026-W{n:02d}" for n in range(9, 15)]
    assert [w.tips_received for w in series.weeks] == [1, 1, 0, 0, 0, 0]
    assert series.weeks[0].tips["valuable"] == 1 and series.weeks[1].tips["false"] == 1
    # W10: the bulletin of 02/03 reached the three groups of the scope, short of two each.
    w10 = series.weeks[1]
    assert (w10.groups, w10.deliveries, w10.groups_on_target) == (3, 3, 0)


async def test_a_period_with_nothing_in_it_still_gets_a_chart(harness):
    fake, people = harness.fake, harness.people
    text = (await say(fake, people.officer, "/thongke chart 2025-01"))["text"]
    assert "0 tin tiếp nhận" in text
    upload = await fake.wait_for_call("sendPhoto")
    assert upload.files["photo"][:8] == b"\x89PNG\r\n\x1a\n"
    assert "2025-01" in (await fake.wait_for_message(people.officer.id,
                                                     lambda m: "photo" in m))["caption"]
