"""Sending through the Zalo OA channel against the emulator (SPEC §13): consultation messages
within the 7-day reply window and refused outside it, GMF group messages, quota and rate errors
that wait and retry, a long text in parts, transport failures, and the OA's groups."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from channels.zalo_oa.addresses import group_address, user_address
from channels.zalo_oa.channel import message_number
from channels.zalo_oa.failures import QUOTA_WAIT, RATE_LIMIT_WAIT, OutsideReplyWindow
from channels.zalo_oa.groups import OAGroup, list_groups, member_count
from core.capabilities import utf16_length as text_length
from core.outbound import (
    Button,
    ChatUnavailable,
    MaybeDelivered,
    OutboundMessage,
    RetryLater,
    TransientFailure,
)
from emulators.zalo_oa import FakeZaloOA

from .zalo_steps import Wired, running_zalo, zalo_channel

DAY = 24 * 3600
QUESTION = OutboundMessage("Cán bộ hỏi: bạn thấy xe biển số nào?",
                           buttons=((Button("Không nhớ", callback="Không nhớ"),),))
BULLETIN = OutboundMessage("Bản tin an ninh: cảnh giác kẻ gian giả danh cán bộ điện lực.",
                           buttons=((Button("Báo tin", url="https://zalo.me/579745863508352884"),),))


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloOA]:
    async with running_zalo() as zalo:
        yield zalo


@pytest.fixture
async def wired(db, zalo) -> AsyncIterator[Wired]:
    async with zalo_channel(db, zalo, zalo.first_refresh_token(), read_timeout=0.5) as wired:
        yield wired


async def test_a_consultation_message_within_the_reply_window_arrives_with_its_buttons(
    zalo, wired,
):
    person = zalo.user("Trần Thị Dân")
    await zalo.user_sends_text(person, "báo tin")

    message_id = await wired.channel.send(user_address(person.id), QUESTION)

    [sent] = zalo.sent_to(f"user:{person.id}")
    assert message_id == message_number(sent.message_id)
    assert sent.message["text"] == QUESTION.text
    assert sent.message["attachment"]["payload"]["buttons"] == [
        {"title": "Không nhớ", "type": "oa.query.hide", "payload": "Không nhớ"}]


async def test_outside_the_reply_window_zalo_refuses_until_the_person_writes_again(zalo, wired):
    person = zalo.user("Trần Thị Dân")
    await zalo.user_sends_text(person, "báo tin")
    zalo.advance(7 * DAY + 60)

    with pytest.raises(OutsideReplyWindow) as refused:
        await wired.channel.send(user_address(person.id), QUESTION)

    assert "7 days" in refused.value.reason and "-230" in refused.value.reason
    assert zalo.sent_to(f"user:{person.id}") == []
    await zalo.user_sends_text(person, "/trangthai TIP-7K3M9Q")
    await wired.channel.send(user_address(person.id), QUESTION)
    assert len(zalo.sent_to(f"user:{person.id}")) == 1


async def test_a_person_who_unfollowed_and_an_unknown_one_are_unavailable(zalo, wired):
    person = zalo.user("Trần Thị Dân")
    await zalo.user_sends_text(person, "báo tin")
    zalo.unfollow(person)

    with pytest.raises(ChatUnavailable) as unfollowed:
        await wired.channel.send(user_address(person.id), QUESTION)
    with pytest.raises(ChatUnavailable) as unknown:
        await wired.channel.send(user_address("3999999999999999999"), QUESTION)

    assert "not followed" in unfollowed.value.reason
    assert "user_id" in unknown.value.reason


async def test_a_bulletin_reaches_an_oa_group_with_its_link_in_the_text(zalo, wired):
    group = zalo.group("Tổ tự quản Ấp 1", members=40)

    message_id = await wired.channel.send(group_address(group.id), BULLETIN)

    [sent] = zalo.sent_to(f"group:{group.id}")
    assert message_id == message_number(sent.message_id)
    assert sent.message == {"text": BULLETIN.text + "\nBáo tin: https://zalo.me/579745863508352884"}


async def test_a_deleted_or_lapsed_group_is_unavailable_for_good(zalo, wired):
    deleted, lapsed = zalo.group("Nhóm cũ"), zalo.group("Nhóm hết hạn")
    zalo.delete_group(deleted)
    zalo.disable_group(lapsed)

    with pytest.raises(ChatUnavailable) as gone:
        await wired.channel.send(group_address(deleted.id), BULLETIN)
    with pytest.raises(ChatUnavailable) as disabled:
        await wired.channel.send(group_address(lapsed.id), BULLETIN)

    assert "group_id" in gone.value.reason
    assert "disabled" in disabled.value.reason


async def test_a_quota_error_waits_then_the_same_send_goes_once(zalo, wired):
    group = zalo.group("Tổ tự quản Ấp 2")
    zalo.inject_error(f"group:{group.id}", -211, "Out of quota")

    with pytest.raises(RetryLater) as waiting:
        await wired.channel.send(group_address(group.id), BULLETIN)
    assert waiting.value.seconds == QUOTA_WAIT
    assert zalo.sent_to(f"group:{group.id}") == []

    await wired.channel.send(group_address(group.id), BULLETIN)
    assert len(zalo.sent_to(f"group:{group.id}")) == 1


async def test_the_call_rate_limit_waits_a_minute(zalo, wired):
    group = zalo.group("Tổ tự quản Ấp 3")
    zalo.inject_error(f"group:{group.id}", -32, "Your application reached limit call api")

    with pytest.raises(RetryLater) as waiting:
        await wired.channel.send(group_address(group.id), BULLETIN)

    assert waiting.value.seconds == RATE_LIMIT_WAIT


async def test_a_long_text_arrives_whole_in_labelled_parts_in_order(zalo, wired):
    person = zalo.user("Trần Thị Dân")
    await zalo.user_sends_text(person, "báo tin")
    text = " ".join(f"Câu thứ {n}: người lạ hỏi đường vào ấp lúc chiều tối." for n in range(90))
    parts = wired.channel.parts_of(OutboundMessage(text, label="TIP-7K3M9Q"))
    assert len(parts) == 3

    for part in parts:
        await wired.channel.send(user_address(person.id), part)

    arrived = [sent.message["text"] for sent in zalo.sent_to(f"user:{person.id}")]
    assert arrived == [part.text for part in parts]
    assert all(text_length(part) <= 2000 for part in arrived)
    assert [part.split("\n", 1)[0] for part in arrived] == [
        f"TIP-7K3M9Q ({n}/3)" for n in (1, 2, 3)]
    assert " ".join(" ".join(part.split("\n", 1)[1].split()) for part in arrived) == " ".join(
        text.split())


async def test_a_server_error_is_retried_and_never_maybe_delivered(zalo, wired):
    group = zalo.group("Tổ tự quản Ấp 4")
    for html in (False, True):
        zalo.inject_server_error(f"group:{group.id}", status=502, html=html)
        with pytest.raises(TransientFailure) as failed:
            await wired.channel.send(group_address(group.id), BULLETIN)
        assert not isinstance(failed.value, MaybeDelivered)
    assert zalo.sent_to(f"group:{group.id}") == []


async def test_an_answer_that_never_comes_may_have_been_delivered(zalo, wired):
    group = zalo.group("Tổ tự quản Ấp 5")
    zalo.inject_delay(f"group:{group.id}", 1.5)  # the client waits 0.5 s

    with pytest.raises(MaybeDelivered):
        await wired.channel.send(group_address(group.id), BULLETIN)

    await zalo.wait_until_sent(f"group:{group.id}", 1)


async def test_the_oas_groups_are_listed_page_by_page_with_their_member_counts(zalo, wired):
    made = [zalo.group(f"Tổ tự quản Ấp {n}", members=10 + n) for n in range(13)]
    zalo.delete_group(made[0])

    groups = await list_groups(wired.api)

    assert groups == [OAGroup(group_address(g.id), g.name, g.members, True) for g in made[1:]]
    assert await member_count(wired.api, group_address(made[5].id)) == 15
