"""Tips are need-to-know (SPEC §12), end to end: an editor writes bulletins and never sees a tip,
its code or a count of tips; every refusal names the role needed; nobody is shown a button they
may not press; /help and the menus list what the person may do."""

from __future__ import annotations

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat
from storage.tip_records import Assessment, TipState
from storage.tips_tables import outbox
from tests.e2e.bulletin_steps import compose_and_choose
from tests.e2e.test_stats_chat import seed_march
from tests.e2e.test_tips import notice_for, tip_record
from tests.e2e.tip_steps import button_data, file_guided_tip, say

NEEDS_OFFICER = "Lệnh này chỉ dành cho cán bộ công an của đơn vị."
TIP_WORDS = ("tin báo", "nguồn tin", "TIP-")
TIP_MENU = {"tips", "nguontin", "assess", "danhgia", "outcome", "ketqua", "close", "dong",
            "block", "chan", "report", "baocao"}


def shows_nothing_of_tips(text: str) -> bool:
    lowered = text.lower()
    return not any(word.lower() in lowered for word in TIP_WORDS)


def listed_in_help(text: str) -> set[str]:
    """The commands and aliases of /help's lines ("/tips (/nguontin) — …")."""
    names = set()
    for line in text.splitlines():
        if line.startswith("/"):
            head = line.split(" — ")[0]
            names.update(word.strip("()/") for word in head.split())
    return names


async def answer_to_button(fake, user, message: dict, data: str) -> str:
    query = fake.press_button(user, message, data)
    await fake.wait_until(lambda: query in fake.callback_answers)
    return fake.callback_answers[query]["text"]


async def test_an_editor_is_refused_every_tip_command_and_button_with_the_role_named(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    notice = await notice_for(fake, people.officer, code, lambda m: "reply_markup" in m)
    for command in ("/tips", "/tips all", "/nguontin unassessed", f"/assess {code} false",
                    f"/danhgia {code} valuable", f"/outcome {code} cases=1",
                    "/ketqua TT-TANTHANH persons=2", f"/close {code}", f"/dong {code}",
                    f"/block {code}", f"/chan {code}", "/report", "/baocao xlsx"):
        answer = (await say(fake, people.editor, command))["text"]
        assert answer == NEEDS_OFFICER, command
    # A button is no way round it: the /tips pages and the triage buttons of the officer's
    # notice, pressed by the editor, are refused the same way.
    assert await answer_to_button(fake, people.editor, notice, "tl:all:0") == NEEDS_OFFICER
    for data in button_data(notice, "tt:"):
        assert await answer_to_button(fake, people.editor, notice, data) == NEEDS_OFFICER
    await harness.settle()
    assert all(shows_nothing_of_tips(m.get("text", ""))
               for m in fake.sent_messages(people.editor.id))
    tip = await tip_record(harness, code)
    assert tip.assessment is Assessment.UNASSESSED and tip.state is TipState.OPEN
    assert fake.calls_to("sendDocument") == []
    # The officer of the unit still does all of it.
    assert code in (await say(fake, people.officer, "/tips all"))["text"]


async def test_an_editor_gets_no_notice_of_a_tip_filed_in_their_unit(harness):
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    await notice_for(fake, people.officer, code)
    await say(fake, people.resident, f"/reply {code} thêm: xe màu đỏ")
    await notice_for(fake, people.officer, code, lambda m: "xe màu đỏ" in m.get("text", ""))
    await harness.settle()
    # Every message to staff about a tip goes through the outbox: none was ever addressed to
    # the editor (so none can still be on its way), and none reached them.
    async with harness.bot.services.db.reading() as conn:
        to_editor = (await conn.execute(select(outbox.c.id).where(
            outbox.c.address == address_of_chat(people.editor.id)))).all()
    assert to_editor == []
    assert not [m for m in fake.sent_messages(people.editor.id)
                if code in (m.get("text") or m.get("caption") or "")]


async def test_an_editors_stats_show_groups_and_bulletins_but_no_tip_figure(harness):
    fake, people = harness.fake, harness.people
    await seed_march(harness.bot.services.db)
    officers = (await say(fake, people.officer, "/stats month"))["text"]
    assert "Nguồn tin: 2 tin tiếp nhận" in officers
    text = (await say(fake, people.editor, "/stats month"))["text"]
    assert "Nhóm: 3 nhóm, 1.235 thành viên" in text
    assert "Bản tin: 1 bản tin đã chuyển tải" in text
    assert "Các số liệu khác chỉ dành cho cán bộ công an." in text
    assert shows_nothing_of_tips(text)
    assert "tiếp nhận" not in text and "lĩnh vực" not in text and "Kết quả" not in text
    assert "Vụ việc" not in text  # an outcome kind: results move with the tips behind them
    # The chart's top panel is tips per week: an editor is told it is for officers.
    fake.send_message(people.editor, "/thongke chart")
    refused = await fake.wait_for_message(people.editor.id,
                                          lambda m: "Biểu đồ" in m.get("text", ""))
    assert refused["text"] == "Biểu đồ chỉ dành cho cán bộ công an."
    await harness.settle()
    assert fake.calls_to("sendPhoto") == []


async def test_an_editors_queue_shows_only_the_buttons_they_may_press(harness):
    fake, people = harness.fake, harness.people
    await compose_and_choose(fake, people.editor, "Phòng cháy mùa khô", "fire", "bc:submit")
    # The approval request comes through the staff outbox, a moment later: let it arrive before
    # the officer's own command, whose answer is what is read next.
    await fake.wait_for_message(people.officer.id, lambda m: "chờ duyệt" in m.get("text", ""))
    assert "hàng đợi" in (await say(fake, people.officer, "/bulletin Bản tin của cán bộ"))["text"]
    editors = await say(fake, people.editor, "/queue")
    assert "#1" in editors["text"] and "#2" in editors["text"]
    # Their own draft: they may withdraw it; approving and ordering are an officer's.
    assert button_data(editors, "bq:") == ["bq:remove:1:l"]
    officers = await say(fake, people.officer, "/hangdoi")
    assert set(button_data(officers, "bq:")) == {
        "bq:approve:1:l", "bq:up:1:l", "bq:remove:1:l", "bq:up:2:l", "bq:remove:2:l"}
    # Withdrawing the draft redraws the editor's listing, still without officers' buttons.
    await answer_to_button(fake, people.editor, editors, "bq:remove:1:l")
    await fake.wait_for_call("editMessageText")
    redrawn = fake.world.message(editors["chat"]["id"], editors["message_id"])
    assert "#1" not in redrawn["text"] and button_data(redrawn, "bq:") == []


async def test_an_editors_help_and_menu_list_no_tip_command(harness):
    fake, people = harness.fake, harness.people
    listed = listed_in_help((await say(fake, people.editor, "/help"))["text"])
    assert {"bulletin", "queue", "groups", "stats", "tip", "status", "reply"} <= listed
    assert not listed & TIP_MENU
    assert listed_in_help((await say(fake, people.officer, "/help"))["text"]) >= TIP_MENU
    await harness.settle()
    for language in ("vi", "en"):
        editor_menu = {c["command"] for c in fake.commands("chat", language,
                                                           chat_id=people.editor.id)}
        assert {"bulletin", "bantin", "queue", "hangdoi"} <= editor_menu
        assert not editor_menu & TIP_MENU
        officer_menu = {c["command"] for c in fake.commands("chat", language,
                                                            chat_id=people.officer.id)}
        assert officer_menu >= TIP_MENU
