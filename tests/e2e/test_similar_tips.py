"""Similar tips end to end (SPEC §15): three residents report one incident, the officer merges
them with the notice's button, closes the case, every resident is told once in the same neutral
words (nobody learns others reported), and the report counts 3 tips and 1 case."""

from __future__ import annotations

from storage.audit import entries_for
from storage.tip_records import TipState
from storage.tips import find_tip
from tests.e2e.tip_steps import button_data, file_guided_tip, press, say

REPORTS = (
    "Có 2 thanh niên cướp xe máy ở đầu hẻm 12/3 Lê Lợi, xe biển số 59-X1 234.56",
    "cuop xe may o hem 12/3 le loi, bien so 59X1-23456, 2 thanh nien chay ve phia cho",
    "Vừa thấy cướp xe máy tại hẻm 12/3 đường Lê Lợi, biển 59-X1 234.56",
)


async def suggestion_for(fake, officer, code: str) -> dict:
    return await fake.wait_for_message(
        officer.id, lambda m: code in m.get("text", "") and bool(button_data(m, "ts:m:")))


async def test_three_reports_of_one_incident_become_one_case(harness):
    fake, people = harness.fake, harness.people
    residents = (people.resident, fake.user("Lê Thị Ba"), fake.user("Đỗ Văn Tư"))
    codes = [await file_guided_tip(fake, resident, category="theft", texts=(text,))
             for resident, text in zip(residents, REPORTS, strict=True)]
    officer = people.officer
    for code in codes[1:]:
        notice = await suggestion_for(fake, officer, code)
        assert "Có thể trùng với TIP-" in notice["text"] and "%)" in notice["text"]
        await press(fake, officer, notice, button_data(notice, "ts:m:")[0], expect_reply=False)
    await harness.settle()
    # The first tip's notice suggested nothing: there was nothing to be like.
    first = next(m for m in fake.sent_messages(officer.id) if codes[0] in m.get("text", "")
                 and "Tin báo mới" in m.get("text", ""))
    assert button_data(first, "ts:") == []

    listing = (await say(fake, officer, "/tips"))["text"]
    assert sum(code in listing for code in codes) == 1 and "vụ việc gồm 3 tin báo" in listing
    status = (await say(fake, officer, f"/status {codes[0]}"))["text"]
    assert "Vụ việc gồm 3 tin báo" in status and all(code in status for code in codes)

    await say(fake, officer, f"/close {codes[1]}")  # any tip of the case closes the case
    for resident in residents:
        await fake.wait_for_message(resident.id, lambda m: "xử lý xong" in m.get("text", ""))
    await harness.settle()
    for resident, code in zip(residents, codes, strict=True):
        told = [m["text"] for m in fake.sent_messages(resident.id)
                if "xử lý xong" in m.get("text", "")]
        assert len(told) == 1 and code in told[0], told
        others = [c for c in codes if c != code]
        assert not any(c in m.get("text", "") for m in fake.sent_messages(resident.id)
                       for c in others)
    async with harness.bot.services.db.reading() as conn:
        for code in codes:
            assert (await find_tip(conn, code)).state is TipState.CLOSED
        merged = [e.action for e in await entries_for(conn, f"tip:{codes[2]}")]
    assert merged == ["tip.merge", "tip.close"]

    stats = (await say(fake, officer, "/stats month"))["text"]
    assert "Nguồn tin: 3 tin tiếp nhận" in stats and "Vụ việc: 1 (từ 3 nguồn tin;" in stats
