"""The "queue ran dry" notices of a slot, end to end against the fake Bot API enforcing
Telegram's flood limits (about one message a second per private chat, a burst of three): an
officer standing in for several communes without officers of their own gets one notice per
commune, spaced through the staff outbox, none refused with a 429; and a restart sends none of
them again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import outbox as outbox_store
from storage.tips_tables import outbox
from tests.e2e.province_bot import COMMUNES, Crash, ProvinceBot, province_bot

pytestmark = pytest.mark.telegram_flood_limits
DRY = "Hàng đợi bản tin của"


@pytest.fixture
def province(fake, tmp_path, clock, e2e_storage_url) -> ProvinceBot:
    return province_bot(fake, tmp_path, clock, e2e_storage_url)


def dry_notices(fake, officer) -> list[str]:
    return [m["text"] for m in fake.sent_messages(officer.id) if DRY in m.get("text", "")]


async def outbox_statuses(db) -> list[str]:
    async with db.reading() as conn:
        return list((await conn.execute(select(outbox.c.status))).scalars())


async def test_one_notice_per_dry_commune_spaced_per_chat_and_never_again_after_a_restart(
        fake, province):
    officer = province.officer
    async with province.running() as running:
        services = running.services
        await province.link_groups(services.db)
        # Thursday 08:00, the default slot: no commune has a bulletin queued.
        runs = await services.bulletins.run_due_slots()
        assert sorted(run.unit_code for run in runs) == COMMUNES
        await fake.wait_until(lambda: len(dry_notices(fake, officer)) == len(COMMUNES),
                              timeout=20, what="a notice per commune")
        told = dry_notices(fake, officer)
        assert sorted(code for code in COMMUNES for text in told if f"của {code} " in text) == \
            COMMUNES
        assert all("1/1 nhóm" in text for text in told)
        assert fake.rate_limit_hits == 0  # spaced: Telegram refused none of them

    # A restart (the stop lets a notice in flight be marked sent): the slot was claimed and its
    # notices went, so nothing is sent again.
    async with province.running() as running:
        assert await running.services.bulletins.run_due_slots() == []
        assert await outbox_statuses(running.services.db) == ["sent"] * len(COMMUNES)
        fake.send_message(officer, "/queue")
        await fake.wait_for_message(officer.id, lambda m: "Không có bản tin" in m.get("text", ""))
    assert len(dry_notices(fake, officer)) == len(COMMUNES)
    assert fake.rate_limit_hits == 0


async def test_a_crash_as_a_slot_queues_its_notices_loses_neither_the_slot_nor_them(
        fake, province, monkeypatch):
    officer = province.officer
    async with province.running() as running:
        await province.link_groups(running.services.db, ["XA-1"])

        async def die(*args, **kwargs):
            raise Crash

        # The process dies as the slot's notices are being queued.
        with monkeypatch.context() as patch:
            patch.setattr(outbox_store, "enqueue_many", die)
            with pytest.raises(Crash):
                await running.services.bulletins.run_due_slots()
    assert dry_notices(fake, officer) == []

    # The restart's catch-up runs the slot: it was not claimed without its notices.
    async with province.running() as running:
        await fake.wait_until(lambda: len(dry_notices(fake, officer)) == 1, timeout=20,
                              what="the dry-queue notice after the restart")
        assert "của XA-1 " in dry_notices(fake, officer)[0]
        assert await running.services.bulletins.run_due_slots() == []
    assert len(dry_notices(fake, officer)) == 1
