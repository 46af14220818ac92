"""An officer's question to a tipster by SMS (SPEC §12, §13): of any length, it arrives whole,
in several SMS each within ``sms.max_segments`` and in order, each naming the tip and its place,
in the words of a phone (``TL MÃ``, nothing to press); past the month's budget it does not
start, and the officer is told it did not arrive, never that it was sent."""

from __future__ import annotations

import re

from channels.sms.gsm7 import segment_count, without_diacritics
from tests.e2e.sms.conftest import NUMBER
from tests.e2e.test_groups_and_staff import reply_to

CODE = re.compile(r"TIP-[0-9A-Z]{6}")
MAX_SEGMENTS = 2  # tests.e2e.sms.conftest.sms_config


async def filed_by_sms(harness) -> str:
    """A subscriber texts a tip; its code, once the receipt is on the phone."""
    chat = harness.chat
    await reply_to(chat.fake, chat.people.officer, "/sms add 0901234567 TT-TANTHANH")
    await harness.text(NUMBER, "TB Có người lạ hay đứng ở cầu ấp 1")
    await chat.fake.wait_until(lambda: len(harness.texts_to()) >= 1, timeout=10,
                               what="the receipt")
    return CODE.search(harness.texts_to()[0]).group(0)


async def test_a_long_question_arrives_whole_in_several_sms_in_order(sms_harness):
    chat = sms_harness.chat
    code = await filed_by_sms(sms_harness)
    words = [f"chữ{n:03d}" for n in range(150)]  # about 1,000 characters: several SMS
    await reply_to(chat.fake, chat.people.officer, f"/reply {code} {' '.join(words)}")
    await chat.fake.wait_until(
        lambda: any("chu149" in t for t in sms_harness.texts_to()), timeout=20,
        what="the last part of the question")
    parts = sms_harness.texts_to()[1:]
    assert len(parts) >= 3
    for number, part in enumerate(parts, start=1):
        assert part.startswith(f"{code} ({number}/{len(parts)})\n"), part
        assert segment_count(part) <= MAX_SEGMENTS
        assert not part.endswith("...")  # nothing cut
    body = " ".join(part.split("\n", 1)[1] for part in parts)
    found = re.findall(r"chu\d{3}", body)
    assert found == [without_diacritics(word) for word in words]  # every word, in order
    # What to text back, in a phone's words: no Telegram reply, no /command.
    assert f"TL {code}" in parts[-1]
    assert not any("/reply" in p or "reply" in p.lower() or "bam" in p.lower() for p in parts)
    status = await reply_to(chat.fake, chat.people.officer, f"/status {code}")
    assert "KHÔNG" not in status


async def test_a_short_question_is_one_sms_without_telegram_words(sms_harness):
    chat = sms_harness.chat
    code = await filed_by_sms(sms_harness)
    await reply_to(chat.fake, chat.people.officer, f"/reply {code} Xe màu gì?")
    await chat.fake.wait_until(lambda: len(sms_harness.texts_to()) >= 2, timeout=10,
                               what="the question")
    [question] = sms_harness.texts_to()[1:]
    assert question == (f"Cong an hoi them ve tin bao {code}:\nXe mau gi?\n"
                        f"Tra loi: nhan TL {code} noi dung.")


async def test_the_state_of_a_tip_with_a_long_exchange_comes_whole_in_several_sms(sms_harness):
    chat = sms_harness.chat
    code = await filed_by_sms(sms_harness)
    words = [f"chữ{n:03d}" for n in range(100)]
    await reply_to(chat.fake, chat.people.officer, f"/reply {code} {' '.join(words)}")
    await chat.fake.wait_until(
        lambda: any("chu099" in t for t in sms_harness.texts_to()), timeout=20,
        what="the question")
    asked = len(sms_harness.texts_to())
    # The tipster's view shows a question once it is recorded as delivered, just after its
    # last part: the officer's /status says when (each look is a round trip, no sleep).
    for _ in range(50):
        status = await reply_to(chat.fake, chat.people.officer, f"/status {code}")
        if "(đang gửi)" not in status:
            break
    assert "(đang gửi)" not in status

    await sms_harness.text(NUMBER, f"TT {code}")
    await chat.fake.wait_until(
        lambda: any("chu099" in t for t in sms_harness.texts_to()[asked:]), timeout=20,
        what="the whole state")
    parts = sms_harness.texts_to()[asked:]
    assert len(parts) >= 2
    for number, part in enumerate(parts, start=1):
        assert part.startswith(f"{code} ({number}/{len(parts)})\n"), part
        assert segment_count(part) <= MAX_SEGMENTS and not part.endswith("...")
    body = " ".join(part.split("\n", 1)[1] for part in parts)
    assert re.findall(r"chu\d{3}", body) == [without_diacritics(word) for word in words]
