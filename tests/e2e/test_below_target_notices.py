"""The Sunday below-target warnings, end to end against the fake Bot API enforcing Telegram's
flood limits (about one message a second per private chat, a burst of three): an officer standing
in for several communes without officers of their own gets one warning per commune, spaced
through the staff outbox, none refused with a 429, and the job does not wait for them; a crash
as they are queued loses none (the week was not claimed without them), and a restart repeats
none."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storage import outbox as outbox_store
from storage.tips_tables import outbox
from tests.e2e.province_bot import COMMUNES, Crash, ProvinceBot, province_bot

pytestmark = pytest.mark.telegram_flood_limits
SHORT = "chưa đủ chỉ tiêu"


@pytest.fixture
def province(fake, tmp_path, clock, e2e_storage_url) -> ProvinceBot:
    return province_bot(fake, tmp_path, clock, e2e_storage_url)


async def warning_statuses(db) -> list[str]:
    """The status of each warning in the staff outbox (a restart's catch-up also queues the
    Thursday slot's dry-queue notices there)."""
    async with db.reading() as conn:
        rows = await conn.execute(select(outbox.c.status, outbox.c.payload))
        return [status for status, payload in rows if SHORT in json.loads(payload)["text"]]


def warnings(fake, officer) -> list[str]:
    return [m["text"] for m in fake.sent_messages(officer.id) if SHORT in m.get("text", "")]


async def test_one_warning_per_short_commune_spaced_per_chat_and_never_again_after_a_restart(
        fake, province):
    officer = province.officer
    async with province.running() as running:
        services = running.services
        await province.link_groups(services.db)
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

    async with province.running() as running:
        await running.services.bulletins.warn_below_target()
        assert await warning_statuses(running.services.db) == ["sent"] * len(COMMUNES)
    assert len(warnings(fake, officer)) == len(COMMUNES)
    assert fake.rate_limit_hits == 0


async def test_a_crash_as_warnings_are_queued_loses_none_of_them(
        fake, province, monkeypatch):
    officer = province.officer
    async with province.running() as running:
        await province.link_groups(running.services.db)
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

    # The job runs again after the restart: the communes warned before the crash are not
    # warned again, the others are.
    async with province.running() as running:
        await running.services.bulletins.warn_below_target()
        await fake.wait_until(lambda: len(warnings(fake, officer)) == len(COMMUNES),
                              timeout=20, what="a warning per commune")
        # One row per commune (the last may still be being marked sent).
        statuses = await warning_statuses(running.services.db)
        assert len(statuses) == len(COMMUNES) and set(statuses) <= {"sent", "sending"}
    told = warnings(fake, officer)
    assert sorted(code for code in COMMUNES for text in told if f"({code})" in text) == COMMUNES
