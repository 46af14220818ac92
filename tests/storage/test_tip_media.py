"""Files kept for tips sent on Zalo (``storage.tip_media``, migration 0019): a copy belongs to
its draft's sender until the tip is filed, then to the tip; one whose draft is gone is purged;
the notifier uploads a kept file once (the bytes, to the first officer) and sends it by the file
id Telegram gave it to every other officer, recording that id with the row's progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from channels.telegram import CAPABILITIES
from channels.telegram_addresses import address_of_chat
from core.outbound import Media, MediaKind, OutboundMessage
from org.directory import Directory
from org.units import Unit
from storage import outbox
from storage import tips as tip_store
from storage.tip_media import (
    attach_to_tip,
    delete_unclaimed,
    media_by_id,
    media_count,
    store_media,
    stored_id_of,
    stored_reference,
    tip_media,
)
from storage.tip_records import ItemKind, TipItem
from storage.tips_tables import tip_drafts
from tests.storage.test_notifier_drawing import WORDS, Recording
from tips.anonymity import Anonymizer
from tips.notices import new_tip_event
from tips.notifier import Notifier

PHOTO = b"\xff\xd8 cleaned photo \xff\xd9"


@pytest.fixture(autouse=True)
def no_spacing(monkeypatch):
    monkeypatch.setattr("tips.notifier.PER_CHAT_INTERVAL", 0.0)


@pytest.fixture
async def units(db, clock):
    await Directory(db).sync_from_config([Unit("TT", "Xã", None)], [], clock.now())


async def keep(db, clock, sender: str = "pseudonym") -> int:
    async with db.transaction() as conn:
        return await store_media(conn, draft_sender=sender, kind="photo",
                                 mime_type="image/jpeg", file_name="tin-bao.jpg", data=PHOTO,
                                 now=clock.now())


def test_a_part_names_a_kept_file_and_a_telegram_file_id_names_none():
    assert stored_id_of(stored_reference(42)) == 42
    assert stored_id_of("AgACAgUAAxkBAAI") is None and stored_id_of(None) is None
    assert stored_id_of("stored:x") is None


async def test_a_kept_file_lives_while_its_draft_does_then_with_its_tip(db, clock, units):
    draft_file, lost_file = await keep(db, clock, "p1"), await keep(db, clock, "p2")
    async with db.transaction() as conn:
        await conn.execute(tip_drafts.insert().values(
            sender="p1", step="collect", items="[]", updated_at=clock.now()))
    later = clock.now() + timedelta(hours=2)
    async with db.transaction() as conn:
        # p2's draft is gone (cancelled): its file goes; p1's draft is alive: its file stays.
        assert await delete_unclaimed(conn, later) == 1
        assert await media_by_id(conn, lost_file) is None
        assert (await media_by_id(conn, draft_file)).data == PHOTO
        tip_id = await tip_store.insert_tip(
            conn, code="TIP-MEDIA1", unit_code="TT", category="other", sender="p1",
            bulletin_id=None, relay_link="sealed", now=clock.now(),
            items=[TipItem(ItemKind.PHOTO, None, stored_reference(draft_file))])
        await attach_to_tip(conn, tip_id, [TipItem(ItemKind.PHOTO, None,
                                                   stored_reference(draft_file))])
        await conn.execute(tip_drafts.delete())
        # Filed: the file is the tip's, whatever becomes of drafts.
        assert await delete_unclaimed(conn, later) == 0
        row = (await conn.execute(select(tip_media.c.tip_id, tip_media.c.draft_sender))).one()
        assert (row.tip_id, row.draft_sender) == (tip_id, None)


async def test_a_file_being_added_right_now_is_not_purged(db, clock):
    await keep(db, clock, "no-draft-yet")
    async with db.transaction() as conn:
        assert await delete_unclaimed(conn, clock.now() - timedelta(hours=1)) == 0
        assert await media_count(conn) == 1


class Uploading(Recording):
    """Telegram's side of an upload: the bytes come back as a file id."""

    def __init__(self) -> None:
        super().__init__(CAPABILITIES)

    async def send(self, to, message: OutboundMessage) -> int:
        message_id = await super().send(to, message)
        media = message.media
        if media is not None and media.data is not None and media.uploaded is not None:
            media.uploaded(f"telegram-file-{message_id}")
        return message_id


async def test_a_kept_file_goes_up_once_then_by_telegrams_id(db, clock, units):
    media_id = await keep(db, clock)
    officers = [address_of_chat(7), address_of_chat(8), address_of_chat(9)]
    async with db.transaction() as conn:
        tip_id = await tip_store.insert_tip(
            conn, code="TIP-MEDIA2", unit_code="TT", category="other", sender="pseudonym",
            bulletin_id=None, relay_link="sealed", now=clock.now(),
            items=[TipItem(ItemKind.PHOTO, "ảnh xe", stored_reference(media_id))])
        await outbox.enqueue_many(conn, [(o, new_tip_event(tip_id)) for o in officers],
                                  now=clock.now(), tip_id=tip_id)
    channel = Uploading()
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock, words=WORDS)
    for _ in range(10):
        await notifier.deliver_due()

    copies = [m.media for m in channel.sent if m.media is not None]
    assert len(copies) == 3 and all(m.kind is MediaKind.PHOTO for m in copies)
    first, *others = copies
    assert first.data == PHOTO and first.file_name == "tin-bao.jpg"
    upload_id = f"telegram-file-{501 + [m.media for m in channel.sent].index(first)}"
    assert others == [Media(MediaKind.PHOTO, upload_id)] * 2
    assert all(m.data is None for m in others)
    assert all("TIP-MEDIA2" in m.text for m in channel.sent if m.media is not None)
    async with db.reading() as conn:
        assert (await media_by_id(conn, media_id, with_data=False)).telegram_file_id == (
            upload_id)


async def test_a_part_whose_kept_file_is_gone_fails_alone_and_the_rest_goes(db, clock, units):
    async with db.transaction() as conn:
        tip_id = await tip_store.insert_tip(
            conn, code="TIP-MEDIA3", unit_code="TT", category="other", sender="pseudonym",
            bulletin_id=None, relay_link="sealed", now=clock.now(),
            items=[TipItem(ItemKind.TEXT, "có người lạ"),
                   TipItem(ItemKind.PHOTO, None, stored_reference(999))])
        await outbox.enqueue_many(conn, [(address_of_chat(7), new_tip_event(tip_id))],
                                  now=clock.now(), tip_id=tip_id)
    channel = Uploading()
    notifier = Notifier(db, channel, Anonymizer(b"k" * 32), clock, words=WORDS)
    for _ in range(10):
        await notifier.deliver_due()
    assert [m.media for m in channel.sent] == [None]  # the notice went; no file was made up
