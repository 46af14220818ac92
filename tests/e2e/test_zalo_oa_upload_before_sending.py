"""A photo bulletin's upload to Zalo happens before its rows are marked ``sending`` (SPEC §12,
``ZaloOAChannel.prepare``): a crash during the upload leaves the OA groups' rows ``pending``, not
uncertain, and after the restart each group gets the bulletin exactly once, with nobody told of a
doubt; an upload that gets no answer is retried without its row ever being claimed twice."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import select

import bot.zalo_runtime
from channels.telegram_addresses import address_of_chat
from channels.zalo_oa.addresses import group_address
from storage.schema import deliveries, groups
from tests.e2e.bulletin_steps import group_copies
from tests.e2e.bulletin_steps import linked_groups as link
from tests.e2e.test_groups_and_staff import reply_to
from tests.e2e.zalo_oa_harness import bot_with_zalo

IMAGE_UPLOAD = "/v2.0/oa/upload/image"


@pytest.fixture
async def zharness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


@pytest.fixture
async def impatient_zharness(fake, people, tmp_path, clock, e2e_storage_url, monkeypatch):
    """The bot waits 1 s for Zalo's answers (60 s in production), so an upload answered later
    than that times out."""
    monkeypatch.setattr(bot.zalo_runtime, "READ_TIMEOUT", 1.0)
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


async def _send_photo_bulletin(zharness, caption: str):
    """A Telegram group and two OA groups of the unit; a photo bulletin sent now to them."""
    fake, people, zalo = zharness.fake, zharness.people, zharness.zalo
    services = zharness.bot.services
    [telegram_group] = await link(fake, services.db, "TT-TANTHANH", 1, services.clock)
    oa_groups = [zalo.group(f"Zalo Ấp {n}", members=20) for n in (1, 2)]
    for group in oa_groups:
        await reply_to(fake, people.officer, f"/dangky TT-TANTHANH zalo:{group.id}")
    await reply_to(fake, people.officer, "/bulletin")
    fake.send_photo(people.officer, caption=caption)
    topics = await fake.wait_for_message(people.officer.id, lambda m: "chủ đề" in m["text"])
    fake.press_button(people.officer, topics, "bc:topic:theft")
    await fake.wait_for_call("editMessageText")
    fake.press_button(people.officer, topics, "bc:now")
    return telegram_group, oa_groups


async def _rows(services) -> dict[str, tuple[str, int]]:
    """(status, claims) of each group's row: ``attempts`` counts the ``sending`` claims."""
    async with services.db.reading() as conn:
        found = await conn.execute(
            select(groups.c.address, deliveries.c.status, deliveries.c.attempts)
            .join(groups, groups.c.id == deliveries.c.group_id))
        return {str(row.address): (row.status, row.attempts) for row in found}


async def _until(what: str, condition: Callable[[], object]) -> None:
    """Until ``condition`` holds (each look is cheap: a list or a query's result)."""
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def _rows_until(zharness, what: str,
                      condition: Callable[[dict[str, tuple[str, int]]], bool]) -> None:
    for _ in range(600):
        if condition(await _rows(zharness.bot.services)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}: {await _rows(zharness.bot.services)}")


async def test_a_crash_during_the_upload_leaves_the_rows_pending_and_sends_each_group_once(
        zharness):
    fake, zalo, people = zharness.fake, zharness.zalo, zharness.people
    # Zalo takes the photo but its answer comes too late for this run: the bot dies waiting.
    zalo.inject_delay(IMAGE_UPLOAD, 30.0)
    telegram_group, oa_groups = await _send_photo_bulletin(zharness, "Đối tượng trộm xe máy")
    telegram_address = str(address_of_chat(telegram_group.id))
    oa_addresses = [str(group_address(group.id)) for group in oa_groups]
    await _until("the upload reached Zalo", lambda: zalo.uploads)
    await _rows_until(zharness, "the Telegram copy sent",
                      lambda rows: rows.get(telegram_address, ("",))[0] == "sent")

    await zharness.bot.bulletins.desk.engine.abort()  # the process dies: nothing more written

    rows = await _rows(zharness.bot.services)
    # Nothing went to the OA groups, and the rows say so: pending, never claimed.
    assert [rows[address] for address in oa_addresses] == [("pending", 0)] * 2
    assert all(zalo.sent_to(f"group:{group.id}") == [] for group in oa_groups)

    await zharness.restart()
    summary = await fake.wait_for_message(
        people.officer.id, lambda m: "Kết quả gửi" in m.get("text", ""), timeout=20)

    assert "đã gửi 3/3 nhóm" in summary["text"]
    # The first upload's id never came back: the photo went up again, and each OA group got
    # the bulletin once, naming the id of the upload that answered.
    [_, (_, second_id, _)] = zalo.uploads
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        [element] = copy.message["attachment"]["payload"]["elements"]
        assert element == {"media_type": "image", "attachment_id": second_id}
        assert "Đối tượng trộm xe máy" in copy.message["text"]
    assert group_copies(fake, telegram_group.id) == 1
    rows = await _rows(zharness.bot.services)
    assert sorted(rows.values()) == [("sent", 1)] * 3
    # No doubt to report: nobody was told "not sure it reached".
    assert not [m for m in fake.sent_messages(people.officer.id)
                if "không chắc" in m.get("text", "")]


async def test_an_upload_that_gets_no_answer_is_retried_before_the_row_is_claimed(
        impatient_zharness):
    zharness = impatient_zharness
    fake, zalo, people = zharness.fake, zharness.zalo, zharness.people
    # The first upload is carried out but answered after the bot stopped waiting.
    zalo.inject_delay(IMAGE_UPLOAD, 2.0)
    telegram_group, oa_groups = await _send_photo_bulletin(zharness, "Ảnh camera khu chợ")
    summary = await fake.wait_for_message(
        people.officer.id, lambda m: "Kết quả gửi" in m.get("text", ""), timeout=20)

    assert "đã gửi 3/3 nhóm" in summary["text"]
    assert "chỉ nhận phần chữ" not in summary["text"]
    [_, (_, kept_id, _)] = zalo.uploads  # asked again after the timeout
    for group in oa_groups:
        [copy] = zalo.sent_to(f"group:{group.id}")
        [element] = copy.message["attachment"]["payload"]["elements"]
        assert element["attachment_id"] == kept_id
    # Every row was marked sending once, just before its one request: the upload's timeout
    # happened while it was still pending.
    assert sorted((await _rows(zharness.bot.services)).values()) == [("sent", 1)] * 3
    assert group_copies(fake, telegram_group.id) == 1
