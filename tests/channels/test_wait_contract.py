"""Too many requests where the platform names no wait (Zalo's -32): the adapter still asks the
row to wait, for a time of its own, and nothing arrives (SPEC §12: rate errors wait and retry)."""

from __future__ import annotations

import pytest

from core.outbound import OutboundMessage, RetryLater

from .channel_under_test import ChannelUnderTest
from .contract import contract_for, recipient

MESSAGE = OutboundMessage("Bản tin an ninh: cảnh giác với kẻ gian giả danh cán bộ điện lực.")


@contract_for(retry_after=False)
async def test_too_many_requests_without_the_platforms_seconds_waits_the_adapters_own(
    channel: ChannelUnderTest,
) -> None:
    to = recipient(channel)
    channel.flood(to, seconds=1)

    with pytest.raises(RetryLater) as flooded:
        await channel.adapter.send(to, MESSAGE)

    assert flooded.value.seconds > 0
    assert channel.received(to) == []
