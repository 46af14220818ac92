"""``/queue``'s "still to get it" and the re-send confirmations name recipients by channel: groups
as "nhóm", SMS subscribers as "người nhận SMS", both when mixed (``broadcasts.recipient_words``,
``broadcasts.queue_actions``); a queue with groups only reads as before."""

from __future__ import annotations

from sqlalchemy import update

from broadcasts import bulletins as rules
from broadcasts.bulletins import Action, Content
from broadcasts.queue_actions import QueueDesk
from broadcasts.recipient_words import RecipientCount, recipients_phrase
from channels.telegram_addresses import address_of_chat
from core.i18n import Translator
from storage import deliveries as delivery_store
from storage import sms_subscribers as sms_store
from storage.schema import deliveries
from tests.bulletin_seed import OFFICER, link_groups, make_desk

VI, EN = Translator("vi"), Translator("en")


def test_the_phrase_names_groups_phones_or_both():
    assert recipients_phrase(VI, RecipientCount(3)) == "3 nhóm"
    assert recipients_phrase(VI, RecipientCount(0)) == "0 nhóm"
    assert recipients_phrase(VI, RecipientCount(2, sms=2)) == "2 người nhận SMS"
    assert recipients_phrase(VI, RecipientCount(5, sms=2)) == "3 nhóm và 2 người nhận SMS"
    assert recipients_phrase(EN, RecipientCount(5, sms=2)) == "3 groups and 2 SMS subscribers"
    assert recipients_phrase(EN, RecipientCount(1, sms=1)) == "1 SMS subscribers"


async def _desk_with_phones(write_config, clock, phones: int, groups: int = 2):
    desk, _, _ = await make_desk(write_config(), clock)  # not started: nothing is sent
    await link_groups(desk.db, "TT-TANTHANH", groups, clock.now())
    async with desk.db.transaction() as conn:
        for n in range(phones):  # as /sms add keeps them: sealed number, keyed hash
            await sms_store.subscribe(conn, f"hash-{n}", f"sealed-{n}", "TT-TANTHANH",
                                      clock.now())
    return desk, desk.directory.staff_member(address_of_chat(OFFICER))


async def test_queue_listing_says_how_many_groups_and_phones_still_wait(write_config, clock):
    desk, officer = await _desk_with_phones(write_config, clock, phones=1)
    try:
        await rules.create_bulletin(desk.db, officer, "TT-TANTHANH", "fraud",
                                    Content("Cảnh giác"), Action.QUEUE, clock.now())
        listing = (await QueueDesk(desk, VI).listing(officer)).text
        assert "2 nhóm và 1 người nhận SMS chưa nhận:" in listing
        assert "3 nhóm chưa nhận" not in listing
        english = (await QueueDesk(desk, EN).listing(officer)).text
        assert "2 groups and 1 SMS subscribers still to get it:" in english
    finally:
        await desk.db.close()


async def test_queue_listing_with_groups_only_reads_as_before(write_config, clock):
    desk, officer = await _desk_with_phones(write_config, clock, phones=0)
    try:
        await rules.create_bulletin(desk.db, officer, "TT-TANTHANH", "fraud",
                                    Content("Cảnh giác"), Action.QUEUE, clock.now())
        assert "· 2 nhóm chưa nhận:" in (await QueueDesk(desk, VI).listing(officer)).text
    finally:
        await desk.db.close()


async def _sent_to_all(desk, officer, clock, status: str) -> int:
    """A send-now dispatch whose rows all ended ``status``; returns its id."""
    bulletin = await rules.create_bulletin(desk.db, officer, "TT-TANTHANH", "fraud",
                                           Content("Cảnh giác"), Action.SEND_NOW, clock.now())
    planned = await rules.plan_direct_send(desk.db, desk.directory.tree, bulletin,
                                           "now", officer.address, clock.now())
    async with desk.db.transaction() as conn:
        await conn.execute(update(deliveries)
                           .where(deliveries.c.dispatch_id == planned.dispatch_id)
                           .values(status=status))
    return planned.dispatch_id


async def test_resending_uncertain_copies_names_the_phones_among_them(write_config, clock):
    desk, officer = await _desk_with_phones(write_config, clock, phones=2)
    try:
        dispatch_id = await _sent_to_all(desk, officer, clock, delivery_store.UNCERTAIN)
        pressed = await QueueDesk(desk, VI).resend(officer, f"resend:{dispatch_id}")
        assert pressed.reply.text == "Đang gửi lại tới 2 nhóm và 2 người nhận SMS."
        again = await QueueDesk(desk, VI).resend(officer, f"resend:{dispatch_id}")
        assert again.refused and again.note == VI("bulletins.resend.nothing")
        assert "nhóm" not in again.note  # phones may be all that was left
    finally:
        await desk.db.close()


async def test_a_forced_resend_goes_to_groups_only_and_counts_them(write_config, clock):
    desk, officer = await _desk_with_phones(write_config, clock, phones=1, groups=2)
    try:
        dispatch_id = await _sent_to_all(desk, officer, clock, delivery_store.SENT)
        queue = QueueDesk(desk, VI)
        # An SMS costs money: a forced re-send goes to the groups only, and says "2 nhóm".
        asked = await queue.resend(officer, f"force:{dispatch_id}")
        assert asked.reply.text.startswith("Gửi lại bản tin #1 tới 2 nhóm? ")
        started = await queue.resend(officer, f"forceok:{dispatch_id}")
        assert started.redraw.text.startswith("Đang gửi lại bản tin #1 tới 2 nhóm.")
    finally:
        await desk.db.close()


async def test_a_forced_resend_of_a_sending_to_phones_only_says_why_nothing_goes(write_config,
                                                                               clock):
    desk, officer = await _desk_with_phones(write_config, clock, phones=1, groups=0)
    try:
        dispatch_id = await _sent_to_all(desk, officer, clock, delivery_store.SENT)
        only_phones = await QueueDesk(desk, VI).resend(officer, f"force:{dispatch_id}")
        assert only_phones.refused and "người nhận SMS" in only_phones.note
    finally:
        await desk.db.close()
