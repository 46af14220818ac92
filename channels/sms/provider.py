"""What an SMS provider does for the bot (SPEC §13), whichever it is: send a text to a number
under a key of ours, tell the state of a sent message, and (two-way providers) hand over the
texts people send.

``key`` is the caller's idempotency key (a delivery row's id): a provider that is asked twice
with the same key sends one SMS. SMS Gateway for Android refuses a second message with the same
``id`` (409); eSMS refuses a repeated ``RequestId`` (CodeResult 124). Either refusal means the
first request arrived, so :meth:`SmsProvider.send` returns normally: the caller can retry a send
whose answer was lost without ever making a second SMS.

Failures are :mod:`core.outbound`'s :class:`~core.outbound.SendFailure` classes, so the delivery
engine handles an SMS as it handles a Telegram message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.address import Address
from org.phone_numbers import PhoneNumber


class SmsState(StrEnum):
    """A sent message's state (SMS Gateway for Android's ``ProcessingState``)."""

    PENDING = "Pending"  # queued on the phone / at the provider
    PROCESSED = "Processed"  # handed to the phone's radio
    SENT = "Sent"  # the operator took it
    DELIVERED = "Delivered"  # the recipient's phone confirmed it
    FAILED = "Failed"
    UNKNOWN = "Unknown"  # the provider cannot say (eSMS reports states by callback only)


# Where a sent message stays: the phone reports nothing more of it.
FINAL_STATES = frozenset({SmsState.DELIVERED, SmsState.FAILED})


@dataclass(frozen=True)
class SmsReport:
    """What the provider says of a sent message: its state and, when it failed, the phone's
    reason (``RESULT_ERROR_GENERIC_FAILURE``…), never the number."""

    state: SmsState
    error: str | None = None


@dataclass(frozen=True)
class InboundText:
    """A text a person sent to the gateway phone, as plain data. ``sender`` is ``sms:<sealed>``:
    the webhook receiver seals the number before anything else sees it (``channels.sms.webhook``),
    so the number in clear never leaves the receiver."""

    sender: Address
    text: str
    received_at: datetime
    message_id: str


class SmsProvider(Protocol):
    # Whether people can text the bot through this provider (a gateway phone can; a
    # brandname sender cannot).
    two_way: bool

    async def send(self, phone: PhoneNumber, text: str, key: str) -> str:
        """Send ``text``; returns the provider's message id. Raises a SendFailure."""
        ...

    async def state(self, message_id: str) -> SmsState:
        ...

    async def report(self, message_id: str) -> SmsReport:
        """The state and, for a failure, its reason. Raises a SendFailure when the provider
        cannot be asked."""
        ...

    async def close(self) -> None:
        ...
