"""The Zalo OA's OAuth tokens against the emulator (SPEC §13): the access token is refreshed
before it expires with the single-use refresh token, the new refresh token is in the database
before the new access token is used (a crash or restart loses nothing), and a refused refresh
token stops the channel with one log line, never a loop. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from channels.zalo_oa.addresses import user_address
from channels.zalo_oa.tokens import REFRESH_MARGIN, ChannelStopped
from core.outbound import OutboundMessage
from emulators.zalo_oa import FakeZaloOA
from storage import zalo_tokens

from .log_watch import product_logs
from .zalo_steps import (
    REFRESH_TOKEN_ENV,
    EmulatorClock,
    running_zalo,
    zalo_channel,
)

HELLO = OutboundMessage("Công an xã đã nhận tin của bạn.")


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloOA]:
    async with running_zalo() as zalo:
        yield zalo


def refreshes(zalo: FakeZaloOA) -> int:
    return zalo.requests_to("oauth")


async def resident(zalo: FakeZaloOA):
    person = zalo.user("Nguyễn Văn Dân")
    await zalo.user_sends_text(person, "báo tin")  # opens the reply window
    return person


async def test_the_access_token_is_refreshed_before_it_expires_and_reused_until_then(db, zalo):
    person = await resident(zalo)
    async with zalo_channel(db, zalo, zalo.first_refresh_token()) as wired:
        await wired.channel.send(user_address(person.id), HELLO)
        await wired.channel.send(user_address(person.id), HELLO)
        assert refreshes(zalo) == 1

        # Just inside the margin before the 25 hours are up: refreshed before Zalo refuses it.
        zalo.advance(zalo.access_token_lifetime - REFRESH_MARGIN.total_seconds() + 60)
        await wired.channel.send(user_address(person.id), HELLO)

    assert refreshes(zalo) == 2
    assert len(zalo.sent_to(f"user:{person.id}")) == 3


async def test_each_refresh_token_works_once_and_the_emulator_refuses_a_reused_one(db, zalo):
    first = zalo.first_refresh_token()
    async with zalo_channel(db, zalo, first) as wired:
        await wired.keeper.access_token()
    async with zalo_channel(db, zalo, first) as wired:
        # Bypass the database: present the used token again, as a careless client would.
        answer = await wired.keeper._refresh(first)
    assert "access_token" not in answer and answer["error"] < 0


async def test_a_crash_between_the_refresh_and_its_first_use_loses_no_token(db, zalo):
    person = await resident(zalo)
    first = zalo.first_refresh_token()
    async with zalo_channel(db, zalo, first) as crashed:
        await crashed.keeper.access_token()  # refreshed and committed, never used: the crash
    assert refreshes(zalo) == 1

    # The restart (same environment, first token long used) finds the new pair in the database.
    async with zalo_channel(db, zalo, first) as restarted:
        await restarted.channel.send(user_address(person.id), HELLO)
        assert refreshes(zalo) == 1  # the stored access token, no refresh
        zalo.advance(zalo.access_token_lifetime)  # the stored access token has expired
        await restarted.channel.send(user_address(person.id), HELLO)
        assert restarted.keeper.stopped is None

    assert refreshes(zalo) == 2  # done with the refresh token committed before the crash
    assert len(zalo.sent_to(f"user:{person.id}")) == 2


async def test_two_keepers_on_one_database_refresh_once(db, zalo):
    first = zalo.first_refresh_token()
    async with zalo_channel(db, zalo, first) as one, zalo_channel(db, zalo, first) as two:
        tokens = await asyncio.gather(one.keeper.access_token(), two.keeper.access_token())
    assert tokens[0] == tokens[1]
    assert refreshes(zalo) == 1


async def test_a_revoked_access_token_is_renewed_once_and_the_send_made_once(db, zalo):
    person = await resident(zalo)
    async with zalo_channel(db, zalo, zalo.first_refresh_token()) as wired:
        await wired.keeper.access_token()
        zalo.tokens.access_tokens.clear()  # Zalo revoked it before its time: -216

        await wired.channel.send(user_address(person.id), HELLO)

    assert refreshes(zalo) == 2
    assert len(zalo.sent_to(f"user:{person.id}")) == 1


async def test_a_refused_refresh_token_stops_the_channel_with_one_log_line(db, zalo, caplog):
    person = await resident(zalo)
    caplog.set_level(logging.DEBUG)
    async with zalo_channel(db, zalo, "a-token-zalo-never-issued") as wired:
        for _ in range(3):
            with pytest.raises(ChannelStopped):
                await wired.channel.send(user_address(person.id), HELLO)
        assert wired.keeper.stopped is not None and "-14014" in wired.keeper.stopped

    # A restart with the same token asks Zalo nothing: the refusal is in the database.
    async with zalo_channel(db, zalo, "a-token-zalo-never-issued") as restarted:
        with pytest.raises(ChannelStopped):
            await restarted.channel.send(user_address(person.id), HELLO)

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2  # one per process that met the refusal, none per attempt
    assert all(REFRESH_TOKEN_ENV in r.getMessage() for r in errors)
    assert refreshes(zalo) == 1
    assert zalo.sent_to(f"user:{person.id}") == []

    # An admin grants the app again and puts the new token in the environment.
    async with zalo_channel(db, zalo, zalo.first_refresh_token()) as fixed:
        await fixed.channel.send(user_address(person.id), HELLO)
    assert len(zalo.sent_to(f"user:{person.id}")) == 1


async def test_no_token_reaches_the_products_log(db, zalo):
    first = zalo.first_refresh_token()
    async with product_logs(zalo.app_secret, zalo.oa_secret) as logs:
        async with zalo_channel(db, zalo, first) as wired:
            access = await wired.keeper.access_token()
            zalo.advance(zalo.access_token_lifetime)
            renewed = await wired.keeper.access_token()
        async with db.transaction() as conn:
            stored = await zalo_tokens.locked_tokens(conn, zalo.oa_id,
                                                     EmulatorClock(zalo).now())
    assert stored is not None and renewed != access
    assert logs.getvalue()  # the DEBUG log was written (httpx's requests at least)
    for secret in (first, access, renewed, stored.refresh_token, zalo.app_secret):
        assert secret not in logs.getvalue()
