"""The outbox holds what happened and the notifier draws it per channel at send time: a new
tip's row becomes its notice, then its parts answering the notice where the channel has
replies, one message per turn, resumed from ``parts_sent`` after a crash; rows queued in the
old format (drawn text, buttons, media, "thread") are still sent as they are."""

from __future__ import annotations

import dataclasses
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from channels.telegram import CAPABILITIES
from channels.telegram_addresses import address_of_chat
from core.address import Address
from core.capabilities import Capabilities
from core.i18n import Translator
from core.outbound import Button, ChatUnavailable, MediaKind, OutboundMessage, Rejected
from org.directory import Directory
from org.units import Unit
from storage import outbox
from storage import tips as tip_store
from storage.tip_records import ItemKind, TipItem
from storage.tips_tables import outbox as outbox_table
from tips.anonymity import Anonymizer
from tips.notices import NoticeWords, new_tip_event, say
from tips.notifier import Notifier

OFFICER = address_of_chat(7)
WORDS = NoticeWords(Translator("vi"), Anonymizer(b"k" * 32), ZoneInfo("Asia/Ho_Chi_Minh"),
                    unit_name=lambda code: "Xã", category_label=lambda key: "Khác")
ITEMS = (TipItem(ItemKind.TEXT, "có người lạ"), TipItem(ItemKind.PHOTO, "ảnh xe", "file-1"),
         TipItem(ItemKind.LOCATION, None, "10.45,105.63"))


class Recording:
    """A channel with the given capabilities that records what it is asked to send."""

    def __init__(self, capabilities: Capabilities) -> None:
        self.capabilities = capabilities
        self.sent: list[OutboundMessage] = []
        self.refuse: set[int] = set()  # numbers (1-based) of sends refused for good
        self.blocked = False  # the officer blocked the bot

    def capabilities_for(self, to: Address) -> Capabilities:
        return self.capabilities

    def parts_for(self, to: Address, message: OutboundMessage) -> list[OutboundMessage]:
        return [message]

    async def send(self, to: Address, message: OutboundMessage) -> int:
        if self.blocked:
            self.sent.append(message)
            raise ChatUnavailable("Forbidden: bot was blocked by the user")
        if len(self.sent) + 1 in self.refuse:
            self.sent.append(message)
            raise Rejected("bad request")
        self.sent.append(message)
        return 500 + len(self.sent)

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        raise AssertionError("not used")


@pytest.fixture(autouse=True)
def no_spacing(monkeypatch):
    # One message per chat per second is the rule; here each pass may send the next at once.
    monkeypatch.setattr("tips.notifier.PER_CHAT_INTERVAL", 0.0)


async def new_tip(db, clock) -> int:
    async with db.transaction() as conn:
        tip_id = await tip_store.insert_tip(conn, code="TIP-7K3M9Q", unit_code="TT",
                                            category="other", sender="p", bulletin_id=None,
                                            relay_link="sealed", items=ITEMS, now=clock.now())
        assert tip_id is not None
        await outbox.enqueue_many(conn, [(OFFICER, new_tip_event(tip_id))], now=clock.now(),
                                  tip_id=tip_id)
    return tip_id


async def drain(notifier: Notifier, passes: int = 10) -> None:
    for _ in range(passes):
        await notifier.deliver_due()


async def stored(db) -> tuple[str, int, dict]:
    async with db.reading() as conn:
        row = (await conn.execute(select(outbox_table.c.status, outbox_table.c.parts_sent,
                                         outbox_table.c.payload))).one()
    return row.status, row.parts_sent, json.loads(row.payload)


@pytest.fixture
async def units(db, clock):
    await Directory(db).sync_from_config([Unit("TT", "Xã", None)], [], clock.now())


async def test_a_new_tip_is_drawn_at_send_time_and_its_parts_answer_the_notice(db, clock, units):
    await new_tip(db, clock)
    channel = Recording(CAPABILITIES)
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock, words=WORDS)

    await drain(notifier)

    notice, photo, _place_label, place = channel.sent
    assert "TIP-7K3M9Q" in notice.text and "có người lạ" in notice.text and notice.buttons
    assert notice.reply_to_message_id is None
    assert photo.media is not None and photo.media.kind is MediaKind.PHOTO
    assert "ảnh xe" in photo.text
    assert place.media is not None and place.media.kind is MediaKind.LOCATION
    assert [m.reply_to_message_id for m in channel.sent[1:]] == [501, 501, 501]
    status, parts_sent, payload = await stored(db)
    assert (status, parts_sent, payload["message_id"]) == ("sent", 3, 501)
    assert payload["event"] == "new_tip"  # the row still says what happened, not its words


async def test_a_channel_without_replies_or_captions_gets_no_reply_and_words_before_files(
        db, clock, units):
    await new_tip(db, clock)
    plain = dataclasses.replace(CAPABILITIES, replies=False, caption_limit=0)
    channel = Recording(plain)
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock, words=WORDS)

    await drain(notifier)

    _notice, photo_words, photo, _place_label, _place = channel.sent
    assert all(m.reply_to_message_id is None for m in channel.sent)
    assert photo_words.media is None and "ảnh xe" in photo_words.text
    assert photo.media is not None and photo.text == ""


async def test_a_crash_mid_sequence_resumes_at_the_next_message(db, clock, units):
    await new_tip(db, clock)
    first = Recording(CAPABILITIES)
    notifier = Notifier(db, first, Anonymizer(b"k" * 32), clock, words=WORDS)
    await notifier.deliver_due()
    await notifier.deliver_due()
    assert len(first.sent) == 2  # the notice and the photo are out; the process dies

    second = Recording(CAPABILITIES)
    restarted = Notifier(db, second, Anonymizer(b"k" * 32), clock, words=WORDS)
    await drain(restarted)

    assert [m.media.kind for m in second.sent if m.media] == [MediaKind.LOCATION]
    assert len(second.sent) == 2  # the location's label, then the location
    assert all(m.reply_to_message_id == 501 for m in second.sent)  # the notice of before


async def test_one_refused_part_does_not_hold_back_the_rest(db, clock, units):
    await new_tip(db, clock)
    channel = Recording(CAPABILITIES)
    channel.refuse = {2}  # the photo
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock, words=WORDS)

    await drain(notifier)

    assert len(channel.sent) == 4
    status, _parts_sent, payload = await stored(db)
    assert status == "sent" and payload["skipped"] == [1]


async def test_a_chat_that_cannot_be_written_to_fails_the_whole_row_at_once(db, clock, units):
    await new_tip(db, clock)
    channel = Recording(CAPABILITIES)
    channel.blocked = True
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock, words=WORDS)

    await drain(notifier)

    assert len(channel.sent) == 1  # the rest could not go either: not tried one by one
    status, parts_sent, _ = await stored(db)
    assert (status, parts_sent) == ("failed", 0)


async def test_rows_of_the_old_format_are_still_sent_as_they_were(db, clock):
    async with db.transaction() as conn:
        await outbox.enqueue(conn, now=clock.now(), address=OFFICER, tip_id=None, payload={
            "thread": "start", "text": "Tin mới TIP-OLD",
            "buttons": [[{"text": "Có giá trị", "callback": "tt:v:1:x"}]]})
        await outbox.enqueue(conn, now=clock.now(), address=OFFICER, payload={
            "thread": "reply", "text": "📎 TIP-OLD", "media": {"kind": "photo", "file_id": "f"}})
    channel = Recording(CAPABILITIES)
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock)

    await drain(notifier)

    notice, photo = channel.sent
    assert notice.text == "Tin mới TIP-OLD"
    assert notice.buttons == ((Button("Có giá trị", callback="tt:v:1:x"),),)
    assert photo.media is not None and photo.media.file_id == "f" and photo.text == "📎 TIP-OLD"


async def test_a_catalogue_message_is_worded_when_sent(db, clock):
    anonymizer = Anonymizer(b"k" * 32)
    tipster = address_of_chat(42)
    async with db.transaction() as conn:
        await outbox.enqueue(conn, now=clock.now(), relay_link=anonymizer.seal_address(tipster),
                             payload={**say("tipster.closed", code="TIP-7K3M9Q"),
                                      "label": "TIP-7K3M9Q"})
    channel = Recording(CAPABILITIES)
    notifier = Notifier(db, channel, anonymizer, clock)

    await drain(notifier, 1)

    [message] = channel.sent
    assert message.text == Translator("vi")("tipster.closed", code="TIP-7K3M9Q")
    assert message.label == "TIP-7K3M9Q"


async def test_a_question_is_worded_for_the_tipsters_channel_and_old_rows_still_go(db, clock):
    """An officer's question is an event drawn at send time in the words of the channel it
    goes to: on Telegram "reply to this message", by SMS the keyword to text back. A question
    queued before it was an event (the catalogue message with the text) is still sent, in the
    same words."""
    from tips.questions import question_event

    anonymizer = Anonymizer(b"k" * 32)
    on_telegram, by_sms = address_of_chat(42), Address("sms", anonymizer.seal_address(
        Address("sms", "+84901234567")))
    async with db.transaction() as conn:
        for tipster in (on_telegram, by_sms):
            await outbox.enqueue(conn, now=clock.now(),
                                 relay_link=anonymizer.seal_address(tipster),
                                 payload=question_event("TIP-7K3M9Q", "Xe màu gì?"))
        await outbox.enqueue(conn, now=clock.now(), relay_link=anonymizer.seal_address(by_sms),
                             payload={**say("tipster.question", code="TIP-7K3M9Q",
                                            text="Mấy giờ?"), "label": "TIP-7K3M9Q"})
    channel = Recording(CAPABILITIES)
    notifier = Notifier(db, channel, anonymizer, clock)

    await drain(notifier, 5)

    telegram, sms, old = channel.sent
    assert "Xe màu gì?" in telegram.text and "/reply TIP-7K3M9Q" in telegram.text
    assert "Xe màu gì?" in sms.text and "nhắn TL TIP-7K3M9Q" in sms.text
    assert "/reply" not in sms.text and "reply" not in sms.text
    assert "Mấy giờ?" in old.text and "nhắn TL TIP-7K3M9Q" in old.text
    assert {m.label for m in channel.sent} == {"TIP-7K3M9Q"}
    # Each message has its own idempotency key: a retry of it is never a second SMS.
    assert len({m.extra["idempotency_key"] for m in channel.sent}) == 3
