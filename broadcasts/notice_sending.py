"""Notices from the bulletin desk to staff (approval requests, delivery summaries, uncertain
copies, a dry queue, groups below target): waited out on flood control, never dropped for it,
retried a few times on a network error."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from core.address import Address
from core.outbound import Channel, OutboundMessage, RetryLater, SendFailure, TransientFailure

log = logging.getLogger(__name__)
NOTICE_RETRIES = 3
NOTICE_BACKOFF = 1.0  # seconds before the second try of a notice after a network error


async def tell_staff(channel: Channel, addresses: Sequence[Address],
                     message: OutboundMessage) -> bool:
    """False when a recipient could not be reached for now (a notice owed in the database is
    then sent again at the next start-up); a recipient who refuses for good does not count."""
    settled = True
    for address in addresses:
        for attempt in range(NOTICE_RETRIES):
            try:
                await channel.send(address, message)
                break
            except RetryLater as wait:
                await asyncio.sleep(wait.seconds)
            except TransientFailure as failure:
                log.warning("notice to a staff member not delivered yet: %s", failure.reason)
                if attempt == NOTICE_RETRIES - 1:
                    settled = False
                else:
                    await asyncio.sleep(NOTICE_BACKOFF * 2 ** attempt)
            except SendFailure as failure:
                log.warning("notice to a staff member not delivered: %s", failure.reason)
                break
        else:
            settled = False
    return settled
