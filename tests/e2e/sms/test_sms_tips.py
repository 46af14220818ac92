"""Tips by SMS end to end (SPEC §13): a person texts ``TB …`` to the emulated gateway phone,
the signed webhook reaches the real bot, the code comes back by SMS, the officer on Telegram
gets the notice, the officer's question reaches the phone by SMS through the sealed relay link,
``TL`` adds to the tip and ``TT`` gives its state; the number is in no store or log."""

from __future__ import annotations

import re

from tests.e2e.sms.conftest import NUMBER, assert_no_number_stored_or_logged
from tests.e2e.test_groups_and_staff import reply_to

CODE = re.compile(r"TIP-[0-9A-Z]{6}")


async def _texts_after(harness, count: int) -> list[str]:
    await harness.chat.fake.wait_until(lambda: len(harness.texts_to()) >= count, timeout=10,
                                       what=f"{count} SMS to the phone")
    return harness.texts_to()


async def test_a_tip_by_sms_is_triaged_on_telegram_with_both_ways_of_the_relay(sms_harness):
    chat = sms_harness.chat
    officer = chat.people.officer
    assert "09xx xxx 567" in await reply_to(chat.fake, officer,
                                            "/sms add 0901234567 TT-TANTHANH")
    # Keyword in any case, with diacritics; the sender is a subscriber: their unit.
    assert await sms_harness.text("0901 234 567", "tb Có người lạ hay đứng ở cầu ấp 1") == [200]
    [receipt] = await _texts_after(sms_harness, 1)
    code = CODE.search(receipt).group(0)
    assert receipt.startswith("Da nhan tin bao")
    # What to text back, not Telegram's commands.
    assert f"TT {code}" in receipt and f"TL {code}" in receipt and "/status" not in receipt
    notice = await chat.fake.wait_for_message(officer.id, lambda m: code in m.get("text", ""))
    assert "Có người lạ hay đứng ở cầu ấp 1" in notice["text"]

    asked = await reply_to(chat.fake, officer, f"/reply {code} Người đó đi xe gì?")
    assert code in asked
    question = (await _texts_after(sms_harness, 2))[1]
    assert "Nguoi do di xe gi?" in question and f"TL {code}" in question

    await sms_harness.text(NUMBER, f"TL {code.lower()} Xe máy màu đỏ")
    added = await chat.fake.wait_for_message(officer.id,
                                             lambda m: "Xe máy màu đỏ" in m.get("text", ""))
    assert code in added["text"]
    assert code in (await _texts_after(sms_harness, 3))[2]  # "sent to the officers"

    await sms_harness.text(NUMBER, f"Tt {code}")
    status = (await _texts_after(sms_harness, 4))[3]
    assert code in status
    await sms_harness.text(NUMBER, "TL")
    assert (await _texts_after(sms_harness, 5))[4].startswith("De bo sung tin da bao")
    await assert_no_number_stored_or_logged(sms_harness, chat.config_path.parent / "data")


async def test_the_same_phone_is_one_sender_for_the_limits(sms_harness):
    """The pseudonym comes from the number, not from the freshly sealed sender: the tips
    limit (3 an hour in the test config) holds across texts."""
    await reply_to(sms_harness.chat.fake, sms_harness.chat.people.officer,
                   "/sms add 0901234567 TT-TANTHANH")
    for n in range(4):
        await sms_harness.text(NUMBER, f"TB tin thứ {n + 1}")
    texts = await _texts_after(sms_harness, 4)
    assert [bool(CODE.search(t)) for t in texts] == [True, True, True, False]


async def test_a_stranger_chooses_the_unit_by_number(sms_harness):
    await sms_harness.text(NUMBER, "TB Cháy rừng tràm")
    [units] = await _texts_after(sms_harness, 1)
    lines = units.splitlines()
    assert any(line.startswith("1. ") for line in lines), units
    choice = next(line for line in lines if "Binh Thanh" in line).split(".")[0]
    await sms_harness.text(NUMBER, choice)
    receipt = (await _texts_after(sms_harness, 2))[1]
    assert CODE.search(receipt) and "Binh Thanh" in receipt
    await sms_harness.text(NUMBER, "7")  # no choice is open: the help
    assert (await _texts_after(sms_harness, 3))[2].startswith("Tin nhan an ninh: DK")


async def test_after_a_restart_a_number_gets_the_unit_list_again_and_the_tip_is_kept(
        sms_harness):
    from bot.config import load_config
    from bot.runtime import start_bot

    chat = sms_harness.chat
    await sms_harness.text(NUMBER, "TB Cháy rừng tràm")
    await _texts_after(sms_harness, 1)
    await chat.bot.stop()  # the choices sent were in memory only
    config = load_config(chat.config_path, {"BOT_TOKEN": chat.fake.token,
                                            **sms_harness.environ})
    chat.bot = await start_bot(config, chat.fake.token, chat.clock, poll_timeout=1,
                               environ=sms_harness.environ)

    await sms_harness.text(NUMBER, "1")
    again = (await _texts_after(sms_harness, 2))[1]
    assert again.startswith("Tin bao ban nhan van duoc giu")
    choice = next(line for line in again.splitlines() if "Binh Thanh" in line).split(".")[0]
    await sms_harness.text(NUMBER, choice)
    receipt = (await _texts_after(sms_harness, 3))[2]
    assert CODE.search(receipt) and "Binh Thanh" in receipt
    notice = await chat.fake.wait_for_message(
        chat.people.admin.id, lambda m: "Cháy rừng tràm" in m.get("text", ""))
    assert CODE.search(receipt).group(0) in notice["text"]
