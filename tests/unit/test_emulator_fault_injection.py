"""The fault injection the Zalo OA and Zalo Bot emulators share (``emulators.fault_plan``), over
HTTP: each asked fault hits only its target and only as many times as asked; a 5xx is the API's
own JSON or the HTML page of the server in front of it; a late answer is carried out first."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from emulators.zalo_bot import FakeZaloBot
from emulators.zalo_oa import FakeZaloOA

Send = Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]]


@dataclass
class Scene:
    emulator: FakeZaloOA | FakeZaloBot
    target: str  # the fault target one recipient's sends hit
    other: str  # another recipient's
    send: Send  # one send to a target ("to" as the target names it)
    sent: Callable[[], int]  # how many messages the emulator carried out
    refused_code: Callable[[httpx.Response], int]


@asynccontextmanager
async def zalo_oa() -> AsyncIterator[Scene]:
    zalo = FakeZaloOA()
    await zalo.start()
    token = zalo.tokens.issue_access_token(zalo.now(), 3600)
    one, two = zalo.group("Tổ 1"), zalo.group("Tổ 2")

    async def send(http: httpx.AsyncClient, target: str) -> httpx.Response:
        return await http.post(f"{zalo.base_url}/v3.0/oa/group/message",
                               headers={"access_token": token},
                               json={"recipient": {"group_id": target.removeprefix("group:")},
                                     "message": {"text": "Chào"}})
    try:
        yield Scene(zalo, f"group:{one.id}", f"group:{two.id}", send, lambda: len(zalo.sent),
                    lambda response: response.json()["error"])
    finally:
        await zalo.stop()
    assert not zalo.internal_errors, zalo.internal_errors


@asynccontextmanager
async def zalo_bot() -> AsyncIterator[Scene]:
    bot = FakeZaloBot()
    await bot.start()
    one, two = bot.user("A"), bot.user("B")

    async def send(http: httpx.AsyncClient, target: str) -> httpx.Response:
        return await http.post(f"{bot.base_url}/bot{bot.token}/sendMessage",
                               json={"chat_id": target, "text": "Chào"})
    try:
        yield Scene(bot, one.id, two.id, send, lambda: len(bot.sent),
                    lambda response: response.json()["error_code"])
    finally:
        await bot.stop()
    assert not bot.internal_errors, bot.internal_errors


SCENES = [pytest.param(zalo_oa, id="zalo_oa"), pytest.param(zalo_bot, id="zalo_bot")]


@pytest.mark.parametrize("scene", SCENES)
async def test_an_error_hits_its_target_as_many_times_as_asked(scene):
    async with scene() as s, httpx.AsyncClient() as http:
        s.emulator.inject_error(s.target, 429, "slow down", times=2)
        await s.send(http, s.other)
        assert s.sent() == 1  # another target is not hit
        codes = [s.refused_code(await s.send(http, s.target)) for _ in range(2)]
        assert codes == [429, 429]
        assert s.sent() == 1
        await s.send(http, s.target)
        assert s.sent() == 2


@pytest.mark.parametrize("scene", SCENES)
async def test_a_server_error_is_the_apis_json_or_the_front_servers_page(scene):
    async with scene() as s, httpx.AsyncClient() as http:
        s.emulator.inject_server_error(s.target, status=503)
        s.emulator.inject_server_error(s.target, html=True)
        as_json = await s.send(http, s.target)
        assert as_json.status_code == 503 and isinstance(as_json.json(), dict)
        page = await s.send(http, s.target)
        assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
        with pytest.raises(json.JSONDecodeError):
            page.json()
        assert s.sent() == 0
        assert (await s.send(http, s.target)).status_code == 200
        assert s.sent() == 1


@pytest.mark.parametrize("scene", SCENES)
async def test_a_late_answer_comes_after_the_send_was_carried_out(scene):
    async with scene() as s, httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.2)) as http:
        s.emulator.inject_delay(s.target, 1.0)
        with pytest.raises(httpx.ReadTimeout):
            await s.send(http, s.target)
        assert s.sent() == 1


async def test_the_oauth_server_answers_a_page_too():
    async with zalo_oa() as s, httpx.AsyncClient() as http:
        s.emulator.inject_server_error("oauth", html=True)
        page = await http.post(f"{s.emulator.base_url}/v4/oa/access_token", data={})
    assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
