"""The "send this to that address" interface the core uses (DESIGN: the core never imports
``telegram`` or ``channels``): the plain message it hands over, and the few ways a send can fail
that the core must tell apart.

The adapters live in ``channels/`` (``channels.telegram``), one :class:`ChannelAdapter` per
platform; Zalo OA and SMS come later behind the same protocol. The core sends through a
:class:`Channel`: the router (``bot.channel_router``) that holds the configured adapters and sends
each address through its own, or one adapter alone (an adapter is a Channel too). What a channel
can do (limits, buttons, replies, deep links) is read from it per address
(:meth:`Channel.capabilities_for`); how a long text is cut into the messages it takes is the
channel's business (:meth:`Channel.parts_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from core.address import Address

if TYPE_CHECKING:
    from core.capabilities import Capabilities


@dataclass(frozen=True)
class Button:
    """A choice: opens ``url``, sends ``callback`` data back to the bot, or opens a private chat
    with the bot that starts with ``start`` (a deep link: the adapter draws it, Telegram as
    ``https://t.me/<bot>?start=<start>``; a channel without deep links never gets one)."""

    text: str
    url: str | None = None
    callback: str | None = None
    start: str | None = None


class MediaKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"
    VOICE = "voice"
    # Telegram re-sends a file by id only as the type it was sent as: a round video note or an
    # audio file cannot go out through sendVideo or sendDocument.
    AUDIO = "audio"
    VIDEO_NOTE = "video_note"
    LOCATION = "location"


@dataclass(frozen=True)
class Media:
    """A file by the platform's id, or (``data``) by its bytes: a file the bot keeps itself (a
    tipster's file from Zalo, ``storage.tip_media``) goes up once; the adapter hands the id the
    platform gave it to ``uploaded``, so the next copy goes by that id."""

    kind: MediaKind
    file_id: str = ""  # for LOCATION: "latitude,longitude"
    data: bytes | None = field(default=None, repr=False, compare=False)
    file_name: str = ""
    uploaded: Callable[[str], None] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class OutboundMessage:
    """A new message written by the bot (never a forward: a forward shows its sender)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    media: Media | None = None
    silent: bool = False  # no notification sound (quiet hours)
    reply_to_message_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # What each part names when the text is too long for one message (a tip code):
    # Channel.parts_of.
    label: str | None = None


class SendFailure(Exception):
    """A send did not happen. Subclasses say whether and how to try again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(SendFailure):
    """Flood control (HTTP 429): wait ``seconds``, then the same send may succeed."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


class TransientFailure(SendFailure):
    """Network error, timeout or 5xx: the message may or may not have gone out."""


class MaybeDelivered(TransientFailure):
    """The request may have reached the platform (no answer came): re-sending could duplicate."""


class ChatMoved(SendFailure):
    """The group has a new address (a Telegram group became a supergroup); send there instead."""

    def __init__(self, reason: str, new_address: Address) -> None:
        super().__init__(reason)
        self.new_address = new_address


class ChatUnavailable(SendFailure):
    """The bot may no longer write there: blocked, removed from the group, chat not found."""


class ReplyWindowClosed(ChatUnavailable):
    """The platform takes messages to this person again only after their next message (Zalo
    OA's 7-day reply window): a notice to a tipster refused now is kept and sent then."""


class ChannelNotConfigured(SendFailure):
    """The address belongs to a channel this deployment does not run (no Zalo OA configured,
    say): nothing can go there, and nothing about the address itself is wrong, so it is not
    marked gone; the send fails for good, with this reason."""


class Rejected(SendFailure):
    """Telegram refused this message itself (bad content); retrying will not help."""


class OverBudget(Rejected):
    """Not sent: it would take the channel's spending past its budget (SMS cost money; past
    ``sms.monthly_budget_vnd`` nothing more goes that month)."""


class PaidSendRefused(OverBudget):
    """Not sent: a paid broadcast (Telegram's ``allow_paid_broadcast``) the bot's Star balance
    cannot pay for. Nothing went out; the same copy may go again unpaid, at the normal pace."""


# ``OutboundMessage.extra`` key: send this copy as a paid broadcast (Telegram; channels that
# know nothing of it ignore it).
PAID_BROADCAST = "allow_paid_broadcast"

# ``OutboundMessage.extra`` key: the sender's own name for this one send, so that a channel whose
# platform takes one (an SMS gateway's message id) refuses a retry instead of sending it twice.
IDEMPOTENCY_KEY = "idempotency_key"


def delivery_key(delivery_id: int) -> str:
    """A bulletin copy's idempotency key: its delivery row's id (also what an SMS gateway's
    state report is asked by)."""
    return f"delivery-{delivery_id}"


class Channel(Protocol):
    """What the core sends through: every address goes through its own channel.

    A channel with work to do before a send that sends nothing yet (Zalo OA uploads a bulletin's
    file) also has :meth:`PreparesSends.prepare`; the core asks it through
    :func:`prepared_for`, which hands any other channel's message back as it is."""

    def capabilities_for(self, to: Address) -> Capabilities:
        """What the channel of ``to`` can do (core.capabilities): the drawing reads it."""
        ...

    def parts_for(self, to: Address, message: OutboundMessage) -> list[OutboundMessage]:
        """The messages that carry ``message`` whole to ``to``, in order: one, unchanged, when
        it fits."""
        ...

    async def send(self, to: Address, message: OutboundMessage) -> int:
        """Send; returns the new message's id. Raises a :class:`SendFailure`."""
        ...

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        ...


class PreparesSends(Protocol):
    """The optional step before a send (SPEC §12): what can be done without sending anything
    to the recipient, done before the delivery engine marks the row ``sending``, so a crash or
    a failure in it leaves the row ``pending`` (retried) instead of uncertain."""

    async def prepare(self, to: Address, message: OutboundMessage) -> OutboundMessage:
        """``message`` as :meth:`Channel.send` will take it to ``to`` without that work again.
        Raises a :class:`SendFailure` like a send's, but nothing has reached ``to``: never
        :class:`MaybeDelivered` in meaning (the engine reads one as a transient failure)."""
        ...


async def prepared_for(channel: object, to: Address,
                       message: OutboundMessage) -> OutboundMessage:
    """``message`` prepared by ``channel`` for ``to``; as it is when the channel has no such
    step (the default: every channel but Zalo OA today)."""
    # Asked by name, not isinstance(channel, PreparesSends): a runtime protocol check costs
    # microseconds per copy (Python 3.11), an attribute look-up a fraction of one.
    prepare = getattr(channel, "prepare", None)
    return message if prepare is None else await prepare(to, message)


class ChannelAdapter(Channel, Protocol):
    """One platform's adapter (``channels/``): a Channel for the addresses of that platform."""

    # What the channel can do (limits, buttons, media, replies, windows): core.capabilities.
    capabilities: Capabilities
    # The longest text one message may carry: longer ones go in parts (parts_of).
    text_limit: int

    def parts_of(self, message: OutboundMessage) -> list[OutboundMessage]:
        """The messages that carry ``message`` whole on this channel, in order: one, unchanged,
        when it fits."""
        ...
