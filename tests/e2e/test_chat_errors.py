"""Chat errors say why (issue 15, item 11; SPEC §11): a command typed with a wrong argument is
answered with what was wrong — the period that does not exist, the unit that is unknown or outside
the officer's scope, the tip code that is not one, the quantity that cannot be meant — and,
where the shape was wrong, with the usage; and nothing is recorded or sent."""

from __future__ import annotations

from sqlalchemy import select

from storage import tips as tip_store
from storage.schema import bulletins
from storage.tips_tables import outcomes
from tests.e2e.bulletin_steps import linked_groups
from tests.e2e.test_groups_and_staff import reply_to
from tests.stats_seed import file_tip, local

ZERO_WIDTH = "\u200b\u200c\u2060"


async def seeded_tip(harness, unit_code: str = "TT-TANTHANH") -> str:
    db = harness.bot.services.db
    tip_id = await file_tip(db, unit_code, local(2026, 3, 4))
    async with db.reading() as conn:
        tip = await tip_store.find_tip_by_id(conn, tip_id)
    assert tip is not None
    return tip.code


async def recorded_outcomes(harness) -> list[tuple[str, int]]:
    async with harness.bot.services.db.reading() as conn:
        rows = (await conn.execute(select(outcomes.c.kind, outcomes.c.quantity))).all()
    return sorted((row.kind, row.quantity) for row in rows)


async def test_a_period_typed_wrong_is_answered_with_what_is_wrong_with_it(harness):
    fake, officer = harness.fake, harness.people.officer
    for command in ("/stats", "/report"):
        month = await reply_to(fake, officer, f"{command} 2026-13")
        quarter = await reply_to(fake, officer, f"{command} 2026-Q5")
        assert "«2026-13»" in month and "«2026-Q5»" in quarter
        assert "phạm vi" not in month  # not taken for a unit code
        # The reason differs with the mistake: not one fixed "not valid" line.
        assert month.replace("2026-13", "X") != quarter.replace("2026-Q5", "X")
        assert "13" in month.replace("«2026-13»", "")
        with_unit = await reply_to(fake, officer, f"{command} TT-TANTHANH 2026-13")
        assert "«2026-13»" in with_unit and "13" in with_unit.replace("«2026-13»", "")
    # A whole message of a period is echoed and explained in a few lines, not sent back whole.
    long = await reply_to(fake, officer, "/stats 2026-" + "x" * 4000)
    assert "không hợp lệ" in long and len(long) < 600
    assert not fake.calls_to("sendDocument")


async def test_one_line_for_a_unit_unknown_or_outside_the_scope_in_every_command(harness):
    fake, officer = harness.fake, harness.people.officer
    code = await seeded_tip(harness)
    commands = ("/groups {unit}", "/schedule {unit}", "/schedule {unit} daily 07:00",
                "/outcome {unit} cases=1")
    answers = set()
    for command in commands:
        unknown = await reply_to(fake, officer, command.format(unit="NOPE"))
        foreign = await reply_to(fake, officer, command.format(unit="TT-BINHTHANH"))
        assert "NOPE" in unknown and "TT-BINHTHANH" in foreign, command
        assert unknown.replace("NOPE", "X") == foreign.replace("TT-BINHTHANH", "X"), command
        assert "tin báo" not in unknown and "Lịch không hợp lệ" not in unknown, command
        answers.add(unknown)
    assert len(answers) == 1  # the same sentence, whichever command asked
    assert await recorded_outcomes(harness) == []
    # A tip code is still a tip code: unknown, and another unit's tip, answer the same.
    missing = await reply_to(fake, officer, "/outcome TIP-ZZZZZZ cases=1")
    foreign_tip = await seeded_tip(harness, "TT-BINHTHANH")
    foreign = await reply_to(fake, officer, f"/outcome {foreign_tip} cases=1")
    assert "TIP-ZZZZZZ" in missing and "tin báo" in missing
    assert missing.replace("TIP-ZZZZZZ", "X") == foreign.replace(foreign_tip, "X")
    assert code not in missing
    assert "/groups" in await reply_to(fake, officer, "/groups TT-TANTHANH extra")


async def test_schedule_names_the_unknown_unit_and_what_is_wrong_with_a_spec(harness):
    fake, officer = harness.fake, harness.people.officer
    unknown = await reply_to(fake, officer, "/schedule NOPE daily 07:00")
    assert "NOPE" in unknown and "phạm vi" in unknown and "Lịch" not in unknown
    bad_time = await reply_to(fake, officer, "/lich mon,thu 25:61")
    assert "không hợp lệ" in bad_time and "25:61" in bad_time
    bad_day = await reply_to(fake, officer, "/lich TT-TANTHANH funday 08:00")
    assert "funday" in bad_day
    no_time = await reply_to(fake, officer, "/lich daily")  # a spec without its time
    assert "Lịch không hợp lệ" in no_time and "phạm vi" not in no_time


async def test_outcome_refuses_what_cannot_be_meant_and_records_nothing(harness):
    fake, officer = harness.fake, harness.people.officer
    code = await seeded_tip(harness)
    repeated = await reply_to(fake, officer, f"/outcome {code} cases=1 cases=2")
    assert "«cases»" in repeated and "hai lần" in repeated
    unknown = await reply_to(fake, officer, f"/ketqua {code} tanks=1")
    assert "«tanks»" in unknown
    # The valid kinds, each with what it counts.
    assert "cases (Vụ việc được làm rõ)" in unknown and "knives (Dao tự chế)" in unknown
    for number in ("0", "-1", "1.5", "abc", "99999999"):
        answer = await reply_to(fake, officer, f"/outcome {code} persons={number}")
        assert f"«{number}»" in answer and "persons" in answer and "1 đến 10.000" in answer
    shapeless = await reply_to(fake, officer, f"/outcome {code} =3")
    assert "«=3»" in shapeless and "Cách dùng" in shapeless
    assert await recorded_outcomes(harness) == []

    done = await reply_to(fake, officer, f"/outcome {code} cases=1 persons=2 bắt quả tang")
    assert code in done and "Vụ việc được làm rõ: 1 vụ" in done and "Đối tượng: 2" in done
    assert await recorded_outcomes(harness) == [("cases", 1), ("persons", 2)]


async def test_tip_commands_say_when_a_word_is_not_a_tip_code_or_an_assessment(harness):
    fake, officer = harness.fake, harness.people.officer
    code = await seeded_tip(harness)
    for command, usage in (("/close", "/close"), ("/block", "/block"),
                           ("/assess", "/assess")):
        extra = " valuable" if command == "/assess" else ""
        answer = await reply_to(fake, officer, f"{command} hello{extra}")
        assert "«hello»" in answer and "TIP-" in answer and f"Cách dùng: {usage}" in answer
        missing = await reply_to(fake, officer, f"{command} TIP-ZZZZZZ{extra}")
        assert "TIP-ZZZZZZ" in missing
    maybe = await reply_to(fake, officer, f"/assess {code} maybe")
    assert "«maybe»" in maybe and "Cách dùng: /assess" in maybe
    async with harness.bot.services.db.reading() as conn:
        tip = await tip_store.find_tip(conn, code)
    assert tip is not None and tip.assessment.value == "unassessed"


async def test_an_alert_or_bulletin_with_no_visible_text_is_refused(harness):
    fake, officer, services = harness.fake, harness.people.officer, harness.bot.services
    groups = await linked_groups(fake, services.db, "TT-TANTHANH", 1, harness.clock)
    for text in ("/alert", f"/alert {ZERO_WIDTH}", f"/khancap \u202e{ZERO_WIDTH}"):
        answer = await reply_to(fake, officer, text)
        assert "chưa gửi" in answer and "Cách dùng: /khancap" in answer, text
    blank = await reply_to(fake, officer, f"/bulletin {ZERO_WIDTH}")
    assert "nhìn thấy" in blank and "Cách dùng" in blank
    await harness.settle()
    async with services.db.reading() as conn:
        assert list(await conn.execute(select(bulletins))) == []
    assert fake.sent_messages(groups[0].id) == []


async def test_staff_and_register_name_the_wrong_word_and_show_the_usage(harness):
    fake, people = harness.fake, harness.people
    admin = people.admin
    bad_id = await reply_to(fake, admin, "/staff add abc officer DT")
    assert "«abc»" in bad_id and "Cách dùng" in bad_id
    bad_role = await reply_to(fake, admin, "/staff add 123456 boss DT")
    assert "«boss»" in bad_role and "admin, officer" in bad_role and "Cách dùng" in bad_role
    bad_unit = await reply_to(fake, admin, "/canbo add 123456 officer NOWHERE")
    assert "«NOWHERE»" in bad_unit and "Cách dùng" in bad_unit
    bad_action = await reply_to(fake, admin, "/staff promote 123456")
    assert "«/staff promote»" in bad_action and "Cách dùng" in bad_action
    short = await reply_to(fake, admin, "/staff add 123456 officer")
    assert "ba phần" in short and "Cách dùng" in short
    assert "«x»" in await reply_to(fake, admin, "/staff remove x")
    assert str(123456) not in await reply_to(fake, admin, "/staff list")

    group = fake.group("Tổ 3", members=8)
    unknown = await reply_to(fake, people.officer, "/register HANOI", chat=group)
    assert "HANOI" in unknown and "/register MÃ_ĐƠN_VỊ" in unknown
