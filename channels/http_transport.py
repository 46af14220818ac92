"""A request to a platform's JSON API that got no answer the API gave, and what that means for a
send: whether the platform may have carried it out.

Shared by the Zalo OA and Zalo Bot API clients (each subclasses :class:`UnansweredRequest` so
its callers catch only their own) and the SMS providers (:func:`never_left`). The one rule they
all follow: only a failure to connect (or to get a pooled connection) proves the request never
left; after a timeout or a dropped connection the platform may have done what was asked, and the
delivery engine must know (``MaybeDelivered``) so that it does not send twice blindly. A 5xx or
a page that is not JSON (the web server in front of the API answering) did not reach the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from core.outbound import MaybeDelivered, SendFailure, TransientFailure

_NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def never_left(error: httpx.HTTPError) -> bool:
    """Whether ``error`` proves the request never reached the platform."""
    return isinstance(error, _NEVER_LEFT)


@dataclass(frozen=True)
class UnansweredRequest(Exception):
    """No envelope came back. ``may_have_arrived``: the request left and no answer came, so the
    platform may have carried it out (a timeout, a dropped connection)."""

    reason: str
    may_have_arrived: bool

    def __str__(self) -> str:
        return self.reason

    def send_failure(self) -> SendFailure:
        """The core's outcome for a send that met this (``core.outbound``)."""
        if self.may_have_arrived:
            return MaybeDelivered(self.reason)
        return TransientFailure(self.reason)


U = TypeVar("U", bound=UnansweredRequest)


def unanswered(error: httpx.TransportError, kind: type[U], *, quote_error: bool) -> U:
    """``error`` as ``kind``. ``quote_error`` adds httpx's words to the exception's type: only
    where the URL they can quote carries no secret (the Zalo Bot's token is in its URLs)."""
    name = type(error).__name__
    reason = f"{name}: {error}" if quote_error and str(error) else name
    return kind(reason, may_have_arrived=not never_left(error))


def json_answer(response: httpx.Response, kind: type[U]) -> Any:
    """The JSON the API answered; a 5xx, or a body that is not JSON, is ``kind`` (the request
    was not carried out). What the JSON must look like is the caller's to check."""
    if response.status_code >= 500:
        raise kind(f"HTTP {response.status_code}", may_have_arrived=False)
    try:
        return response.json()
    except ValueError:
        raise kind(f"HTTP {response.status_code}: not JSON", may_have_arrived=False) from None
