"""What an HTTP failure on the way to an SMS provider means for the message: sent, maybe sent,
or certainly not sent (core.outbound's classes).

Only a failure to connect proves the request never left (``channels.http_transport.never_left``,
the rule every channel's API client follows); after a timeout or a dropped connection the
provider may have queued the SMS, which the delivery engine must know (``MaybeDelivered``): it
re-sends with the same key, which both providers refuse as a duplicate when the first request
arrived.
"""

from __future__ import annotations

import httpx

from channels.http_transport import never_left
from core.outbound import MaybeDelivered, SendFailure, TransientFailure


def transport_failure(provider: str, error: httpx.HTTPError) -> SendFailure:
    reason = f"{provider}: {type(error).__name__}"
    if never_left(error):
        return TransientFailure(reason)
    return MaybeDelivered(reason)


def server_failure(provider: str, status: int) -> SendFailure:
    """A 5xx: the provider (or a proxy in front of it) answered that it did not take the SMS."""
    return TransientFailure(f"{provider}: HTTP {status}")
