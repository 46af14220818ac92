"""Failures, as the outcomes of SPEC §12 that the outbox and the delivery engine act on:

* too many requests → ``RetryLater`` with the platform's seconds (or, where it names none, the
  adapter's own): the row waits, then retries;
* a 5xx or a refused connection → ``TransientFailure``, never "maybe delivered": nothing can
  have arrived, so a retry is safe;
* no answer after the request left → the message may have arrived: ``MaybeDelivered`` where the
  path promises never to send twice (bulletins: the row becomes uncertain, never re-sent);
* a person who blocked the bot, an unknown address, a deleted group → ``ChatUnavailable``, for
  good, with the platform's reason (the officer is told which it was; the group goes inactive);
* a group that moved → ``ChatMoved`` with its new address (the delivery follows it).
"""

from __future__ import annotations

import pytest

from core.outbound import (
    ChatMoved,
    ChatUnavailable,
    MaybeDelivered,
    OutboundMessage,
    RetryLater,
    TransientFailure,
)

from .channel_under_test import ChannelUnderTest, Refusal, ServerError
from .contract import as_arriving, contract_for, recipient

# PTB 22 warns that RetryAfter.retry_after will become a timedelta; channels.telegram reads both.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)
MESSAGE = OutboundMessage("Bản tin an ninh: cảnh giác với kẻ gian giả danh cán bộ điện lực.")


async def _send_into_a_flood_of_one_second(channel: ChannelUnderTest) -> RetryLater:
    """What the adapter raises; nothing arrives."""
    to = recipient(channel)
    channel.flood(to, seconds=1)

    with pytest.raises(RetryLater) as flooded:
        await channel.adapter.send(to, MESSAGE)

    assert channel.received(to) == []
    return flooded.value


@contract_for(retry_after=True)
async def test_too_many_requests_asks_to_retry_after_the_platforms_seconds(
    channel: ChannelUnderTest,
) -> None:
    flooded = await _send_into_a_flood_of_one_second(channel)

    assert flooded.seconds == 1


@contract_for(retry_after=False)
async def test_too_many_requests_without_the_platforms_seconds_waits_the_adapters_own(
    channel: ChannelUnderTest,
) -> None:
    """Where the platform names no wait (Zalo's -32), the adapter still asks the row to wait,
    for a time of its own."""
    flooded = await _send_into_a_flood_of_one_second(channel)

    assert flooded.seconds > 0


@pytest.mark.parametrize("shape", list(ServerError))
async def test_a_server_error_is_retried_and_never_taken_for_maybe_delivered(
    channel: ChannelUnderTest, shape: ServerError,
) -> None:
    to = recipient(channel)
    channel.fail_next_send(to, shape)

    with pytest.raises(TransientFailure) as refused:
        await channel.adapter.send(to, MESSAGE)

    assert not isinstance(refused.value, MaybeDelivered)
    assert channel.received(to) == []
    message_id = await channel.adapter.send(to, MESSAGE)  # the retry goes through
    assert [arrived.id for arrived in channel.received(to)] == [message_id]


async def test_a_refused_connection_is_retried_and_never_taken_for_maybe_delivered(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    unreachable = channel.unreachable_adapter()

    with pytest.raises(TransientFailure) as refused:
        await unreachable.send(to, MESSAGE)

    assert not isinstance(refused.value, MaybeDelivered)
    assert channel.requests_for(to) == 0


async def test_a_send_answered_too_late_may_still_arrive(channel: ChannelUnderTest) -> None:
    """Why an unanswered send is not a plain failure: the platform had the request."""
    to = recipient(channel)
    channel.answer_next_send_late(to)

    with pytest.raises(TransientFailure):
        await channel.adapter.send(to, MESSAGE)

    assert channel.requests_for(to) == 1
    [arrived] = await channel.wait_until_received(to, 1)
    assert arrived.text == as_arriving(channel, MESSAGE.text)


@contract_for(uncertain_when_unanswered=True)
async def test_a_send_answered_too_late_is_maybe_delivered_where_never_twice_is_promised(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    channel.answer_next_send_late(to)

    with pytest.raises(MaybeDelivered):
        await channel.adapter.send(to, MESSAGE)


@contract_for(blocking=True)
async def test_a_person_who_blocked_the_bot_is_unavailable_for_good_and_told_so(
    channel: ChannelUnderTest,
) -> None:
    to = channel.person()
    channel.block_bot(to)

    with pytest.raises(ChatUnavailable) as refused:
        await channel.adapter.send(to, MESSAGE)

    assert channel.refusal_words[Refusal.BLOCKED] in refused.value.reason.lower()


async def test_an_address_that_never_existed_is_unavailable_for_good(
    channel: ChannelUnderTest,
) -> None:
    with pytest.raises(ChatUnavailable) as refused:
        await channel.adapter.send(channel.unknown_address(), MESSAGE)

    assert channel.refusal_words[Refusal.UNKNOWN] in refused.value.reason.lower()


@contract_for(groups=True, deletable_groups=True)
async def test_a_deleted_group_is_unavailable_for_good(channel: ChannelUnderTest) -> None:
    group = channel.group()
    channel.delete_group(group)

    with pytest.raises(ChatUnavailable) as refused:
        await channel.adapter.send(group, MESSAGE)

    assert channel.refusal_words[Refusal.GONE] in refused.value.reason.lower()


@contract_for(moving_chats=True)
async def test_a_group_that_moved_names_its_new_address_which_then_receives(
    channel: ChannelUnderTest,
) -> None:
    group = channel.group()
    new_address = channel.move_group(group)

    with pytest.raises(ChatMoved) as moved:
        await channel.adapter.send(group, MESSAGE)

    assert moved.value.new_address == new_address
    message_id = await channel.adapter.send(new_address, MESSAGE)
    assert [arrived.id for arrived in channel.received(new_address)] == [message_id]
