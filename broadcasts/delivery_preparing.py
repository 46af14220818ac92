"""A copy's step before its row is marked ``sending`` (SPEC §12): what its channel can do
without sending anything to the group (``core.outbound.PreparesSends``: Zalo OA uploads a
bulletin's photo or file), done while the row is still ``pending``.

A crash in that step leaves the row ``pending``: the next start sends it, once. A failure of it
is answered like a send's (``broadcasts.delivery_outcomes``: waited for and retried, or the row
failed with its reason) but can never mean "may have been delivered" - nothing went to the
group - so a step that got no answer (an upload's timeout) is a transient failure, retried,
never an uncertain row.
"""

from __future__ import annotations

from core.address import Address
from core.outbound import (
    Channel,
    MaybeDelivered,
    OutboundMessage,
    SendFailure,
    TransientFailure,
    prepared_for,
)


async def prepared_copy(channel: Channel, to: Address,
                        message: OutboundMessage) -> OutboundMessage | SendFailure:
    """The copy as the channel's send takes it, or why it could not be prepared now."""
    try:
        return await prepared_for(channel, to, message)
    except MaybeDelivered as unanswered:
        return TransientFailure(f"before sending: {unanswered.reason}")
    except SendFailure as failure:
        return failure
