"""The Sunday below-target warnings, end to end against the fake Bot API enforcing Telegram's
flood limits (about one message a second per private chat, a burst of three): an officer standing
in for several communes without officers of their own gets one warning per commune, spaced
through the staff outbox, none refused with a 429, and the job does not wait for them; a crash
as they are queued loses none (the week was not claimed without them), and a restart repeats
none."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.config import load_config
from bot.runtime import start_bot
from channels.telegram_addresses import address_of_chat
from emulators.telegram import FakeTelegramAPI
from storage import groups as group_store
from storage import outbox as outbox_store
from storage.tips_tables import outbox
from tests.e2e.conftest import BOT_ENV
from tests.e2e.test_dry_queue_notices import COMMUNES, Crash, province_config

SHORT = "chưa đủ chỉ tiêu"


async def warning_statuses(db) -> list[str]:
    """The status of each warning in the staff outbox (a restart's catch-up also queues the
    Thursday slot's dry-queue notices there)."""
    async with db.reading() as conn:
        rows = await conn.execute(select(outbox.c.status, outbox.c.payload))
        return [status for status, payload in rows if SHORT in json.loads(payload)["text"]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    api = FakeTelegramAPI(rate_limits=True)
    await api.start()
    yield api
    await api.stop()


def warnings(fake, officer) -> list[str]:
    return [m["text"] for m in fake.sent_messages(officer.id) if SHORT in m.get("text", "")]


async def link_a_group_per_commune(fake, db, clock) -> None:
    async with db.transaction() as conn:
        for code in COMMUNES:
            chat = fake.group(f"Tổ {code}", members=12)
            await group_store.link_group(conn, address_of_chat(chat.id), chat.title, code,
                                         address_of_chat(1), clock.now())


async def test_one_warning_per_short_commune_spaced_per_chat_and_never_again_after_a_restart(
        fake, tmp_path, clock, e2e_storage_url):
    officer, admin = fake.user("Cán bộ tỉnh"), fake.user("Quản trị")
    path = province_config(tmp_path, fake, officer.id, admin.id, e2e_storage_url)
    config = load_config(path, {"BOT_TOKEN": fake.token})
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        services = running.services
        await link_a_group_per_commune(fake, services.db, clock)
        # No bulletin this week: every commune's group is short of the target of 2.
        await services.bulletins.warn_below_target()
        # Queued, not sent inline: the job returned before a fifth message could have gone
        # to a chat that takes about one a second after a burst of three.
        assert len(await warning_statuses(services.db)) == len(COMMUNES)
        await fake.wait_until(lambda: len(warnings(fake, officer)) == len(COMMUNES),
                              timeout=20, what="a warning per commune")
        told = warnings(fake, officer)
        assert sorted(code for code in COMMUNES for text in told if f"({code})" in text) == \
            COMMUNES
        assert fake.rate_limit_hits == 0  # spaced: Telegram refused none of them
        await services.bulletins.warn_below_target()  # once a week
    finally:
        await running.stop()

    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        await running.services.bulletins.warn_below_target()
        assert await warning_statuses(running.services.db) == ["sent"] * len(COMMUNES)
    finally:
        await running.stop()
    assert len(warnings(fake, officer)) == len(COMMUNES)
    assert fake.rate_limit_hits == 0


async def test_a_crash_as_warnings_are_queued_loses_none_of_them(
        fake, tmp_path, clock, e2e_storage_url, monkeypatch):
    officer, admin = fake.user("Cán bộ tỉnh"), fake.user("Quản trị")
    path = province_config(tmp_path, fake, officer.id, admin.id, e2e_storage_url)
    config = load_config(path, {"BOT_TOKEN": fake.token})
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        await link_a_group_per_commune(fake, running.services.db, clock)
        real = outbox_store.enqueue_many
        queued = 0

        async def die_at_the_third(*args, **kwargs):
            nonlocal queued
            queued += 1
            if queued == 3:
                raise Crash
            await real(*args, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(outbox_store, "enqueue_many", die_at_the_third)
            with pytest.raises(Crash):
                await running.services.bulletins.warn_below_target()
    finally:
        await running.stop()

    # The job runs again after the restart: the communes warned before the crash are not
    # warned again, the others are.
    running = await start_bot(config, fake.token, clock, poll_timeout=1, environ=BOT_ENV)
    try:
        await running.services.bulletins.warn_below_target()
        await fake.wait_until(lambda: len(warnings(fake, officer)) == len(COMMUNES),
                              timeout=20, what="a warning per commune")
        # One row per commune (the last may still be being marked sent).
        statuses = await warning_statuses(running.services.db)
        assert len(statuses) == len(COMMUNES) and set(statuses) <= {"sent", "sending"}
    finally:
        await running.stop()
    told = warnings(fake, officer)
    assert sorted(code for code in COMMUNES for text in told if f"({code})" in text) == COMMUNES
