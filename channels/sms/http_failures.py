"""What an HTTP failure on the way to an SMS provider means for the message: sent, maybe sent,
or certainly not sent (core.outbound's classes).

Only a failure to connect (or to get a pooled connection) proves the request never left; after a
timeout or a dropped connection the provider may have queued the SMS, which the delivery engine
must know (``MaybeDelivered``): it re-sends with the same key, which both providers refuse as a
duplicate when the first request arrived.
"""

from __future__ import annotations

import httpx

from core.outbound import MaybeDelivered, SendFailure, TransientFailure

_NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def transport_failure(provider: str, error: httpx.HTTPError) -> SendFailure:
    reason = f"{provider}: {type(error).__name__}"
    if isinstance(error, _NEVER_LEFT):
        return TransientFailure(reason)
    return MaybeDelivered(reason)


def server_failure(provider: str, status: int) -> SendFailure:
    """A 5xx: the provider (or a proxy in front of it) answered that it did not take the SMS."""
    return TransientFailure(f"{provider}: HTTP {status}")
