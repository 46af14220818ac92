"""The "queue ran dry" notices of a slot, end to end against the fake Bot API enforcing
Telegram's flood limits (about one message a second per private chat, a burst of three): an
officer standing in for several communes without officers of their own gets one notice per
commune, spaced through the staff outbox, none refused with a 429; and a restart sends none of
them again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import load_config
from bot.runtime import start_bot
from channels.telegram_addresses import address_of_chat
from emulators.telegram import FakeTelegramAPI
from storage import groups as group_store
from storage import outbox as outbox_store
from storage.tips_tables import outbox
from tests.e2e.conftest import BOT_ENV, CONFIG

COMMUNES = [f"XA-{n}" for n in range(1, 6)]  # more than a private chat's burst of three
DRY = "Hàng đợi bản tin của"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    api = FakeTelegramAPI(rate_limits=True)
    await api.start()
    yield api
    await api.stop()


def province_config(tmp_path, fake, officer_id: int, admin_id: int,
                    storage_url: str | None) -> Path:
    units = '[[units]]\ncode = "TINH"\nname = "Tỉnh thử"\n' + "".join(
        f'[[units]]\ncode = "{code}"\nname = "Xã {code}"\nparent = "TINH"\n'
        for code in COMMUNES)
    staff = (f'[[staff]]\ntelegram_id = {officer_id}\nrole = "officer"\nunit = "TINH"\n'
             f'[[staff]]\ntelegram_id = {admin_id}\nrole = "admin"\nunit = "TINH"\n')
    storage = f'[storage]\nurl = "{storage_url}"\n\n' if storage_url else ""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(base_url=fake.base_url, units_and_staff=storage + units + staff),
                    encoding="utf-8")
    return path


def dry_notices(fake, officer) -> list[str]:
    return [m["text"] for m in fake.sent_messages(officer.id) if DRY in m.get("text", "")]


async def outbox_statuses(db) -> list[str]:
    async with db.reading() as conn:
        return list((await conn.execute(select(outbox.c.status))).scalars())


async def test_one_notice_per_dry_commune_spaced_per_chat_and_never_again_after_a_restart(
        fake, tmp_path, clock, e2e_storage_url):
    officer, admin = fake.user("Cán bộ tỉnh"), fake.user("Quản trị")
    path = province_config(tmp_path, fake, officer.id, admin.id, e2e_storage_url)
    config = load_config(path, {"BOT_TOKEN": fake.token})
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        services = running.services
        async with services.db.transaction() as conn:
            for code in COMMUNES:
                chat = fake.group(f"Tổ {code}", members=12)
                await group_store.link_group(conn, address_of_chat(chat.id), chat.title, code,
                                             address_of_chat(1), clock.now())
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
    finally:
        await running.stop()

    # A restart (the stop lets a notice in flight be marked sent): the slot was claimed and its
    # notices went, so nothing is sent again.
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        assert await running.services.bulletins.run_due_slots() == []
        assert await outbox_statuses(running.services.db) == ["sent"] * len(COMMUNES)
        fake.send_message(officer, "/queue")
        await fake.wait_for_message(officer.id, lambda m: "Không có bản tin" in m.get("text", ""))
    finally:
        await running.stop()
    assert len(dry_notices(fake, officer)) == len(COMMUNES)
    assert fake.rate_limit_hits == 0


class Crash(BaseException):
    """The process dies here: nothing after it runs, no ``except Exception`` catches it."""


async def test_a_crash_as_a_slot_queues_its_notices_loses_neither_the_slot_nor_them(
        fake, tmp_path, clock, e2e_storage_url, monkeypatch):
    officer, admin = fake.user("Cán bộ tỉnh"), fake.user("Quản trị")
    path = province_config(tmp_path, fake, officer.id, admin.id, e2e_storage_url)
    config = load_config(path, {"BOT_TOKEN": fake.token})
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        async with running.services.db.transaction() as conn:
            chat = fake.group("Tổ XA-1", members=12)
            await group_store.link_group(conn, address_of_chat(chat.id), chat.title, "XA-1",
                                         address_of_chat(1), clock.now())

        async def die(*args, **kwargs):
            raise Crash

        # The process dies as the slot's notices are being queued.
        with monkeypatch.context() as patch:
            patch.setattr(outbox_store, "enqueue_many", die)
            with pytest.raises(Crash):
                await running.services.bulletins.run_due_slots()
    finally:
        await running.stop()
    assert dry_notices(fake, officer) == []

    # The restart's catch-up runs the slot: it was not claimed without its notices.
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        await fake.wait_until(lambda: len(dry_notices(fake, officer)) == 1, timeout=20,
                              what="the dry-queue notice after the restart")
        assert "của XA-1 " in dry_notices(fake, officer)[0]
        assert await running.services.bulletins.run_due_slots() == []
    finally:
        await running.stop()
    assert len(dry_notices(fake, officer)) == 1
