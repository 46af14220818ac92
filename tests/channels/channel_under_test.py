"""What the contract suite needs from a channel: its adapter, wired as the product wires it and
talking to the channel's emulator over real HTTP on 127.0.0.1, and the emulator's side of the
conversation (what reached a recipient; a recipient who blocks the bot; the next call failing).

A channel joins the suite with one :class:`ChannelEntry` in ``tests/channels/conftest.py``: its
name, its :class:`Capabilities`, the send paths the product has for it, and a way to open a
:class:`ChannelUnderTest` for one path. Everything here speaks the product's own terms
(``core.outbound``), never a platform's, so the same tests judge Telegram, Zalo and SMS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.address import Address
from core.capabilities import ButtonStyle
from core.outbound import Button, ChannelAdapter, Media, MediaKind

# A chat or a person is named by its address, ``<channel>:<id>`` (``core.address``; the first
# argument of ``Channel.send``), as the product names them.
Buttons = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Capabilities:
    """What the channel says it can do; the contract checks each claim, and checks the
    fallback the product promises where a claim is absent (SPEC §13)."""

    buttons: ButtonStyle  # callback buttons, buttons that send a text back, or numbered lines
    media_kinds: frozenset[MediaKind]  # carried; any other kind is refused with a reason
    uncaptioned_kinds: frozenset[MediaKind]  # carried, but with no text beside them
    caption_limit: int  # the longest text a media message carries
    silent_sends: bool  # a message may arrive without a notification sound
    replies: bool  # a message may answer an earlier one
    edits: bool  # a sent message's buttons may be replaced
    moving_chats: bool  # a group may move to a new address (Telegram: a supergroup upgrade)
    deep_links: bool  # a button may open a private chat with the bot, starting it with a payload
    # A flood refusal says how long to wait (Zalo's does not); None: the platform never
    # refuses as too many (an SMS gateway queues on the phone).
    retry_after: bool | None = True
    # A text arrives as written; False: the channel draws it in its own alphabet (SMS: GSM-7
    # without diacritics) and cuts one sent whole at its limit (SPEC §13), and the clauses of
    # tests/channels/test_drawn_text_contract.py hold instead.
    text_as_written: bool = True
    # A message's media the channel cannot carry is left out and its text sent (SMS, SPEC
    # §13: a bulletin's photo is not an SMS) instead of the send being refused.
    media_as_text: bool = False
    blocking: bool = True  # a person can block the bot (or refuse its messages for good)
    deletable_groups: bool = True  # a group can be deleted for good
    groups: bool = True  # the bot can be in groups (a Zalo Bot cannot join one today)
    photos: bool = True  # a tip's photo can be sent on (MediaKind.PHOTO in media_kinds)


@dataclass(frozen=True)
class SendPath:
    """One way the product sends through the channel, with the promise that path makes."""

    name: str
    # A bulletin copy is never sent twice (SPEC §12): when an answer never came, the path must
    # say the message may have arrived (``core.outbound.MaybeDelivered``), so the
    # delivery engine reports it uncertain instead of re-sending it.
    uncertain_when_unanswered: bool
    # Bulletins go to groups, notices to people: the contract sends to whom the path serves.
    sends_to_groups: bool


@dataclass(frozen=True)
class Arrived:
    """One message as the recipient has it now, in the product's terms."""

    id: int
    text: str  # the text, or the media's caption; "" when there is none
    buttons: Buttons = ()
    media: Media | None = None
    silent: bool = False
    reply_to: int | None = None


class ServerError(StrEnum):
    """The shapes in which a platform refuses a request with a 5xx."""

    API = "api"  # the platform's own error body
    FRONT = "front"  # a page from the web server in front of the platform's API


class Refusal(StrEnum):
    """Permanent refusals whose reason the officer is shown (SPEC §12: told which it was)."""

    BLOCKED = "blocked"  # a person blocked the bot
    UNKNOWN = "unknown"  # an address that never existed
    GONE = "gone"  # a group deleted for good


class ChannelUnderTest(Protocol):
    """One channel's adapter (for one send path) and its emulator, for one test."""

    name: str
    capabilities: Capabilities
    path: SendPath
    adapter: ChannelAdapter
    # A few words of the platform's reason for each refusal, as the adapter passes it on.
    refusal_words: Mapping[Refusal, str]

    # ---- the scene ------------------------------------------------------------------------
    def person(self) -> Address:
        """Someone who wrote to the bot, so the bot may write to them."""
        ...

    def group(self) -> Address:
        """A group the bot is in and may post to."""
        ...

    def unknown_address(self) -> Address:
        """An address no chat ever had."""
        ...

    def media_sample(self, kind: MediaKind) -> Media:
        """Media of ``kind`` the adapter can send (a file the platform holds, a place)."""
        ...

    # ---- what reached a recipient -------------------------------------------------------
    def received(self, recipient: Address) -> list[Arrived]:
        """Every message the bot sent there, oldest first, as it is now (edits applied)."""
        ...

    async def wait_until_received(self, recipient: Address, count: int) -> list[Arrived]:
        """``received`` once it holds at least ``count`` messages (fails after a few seconds)."""
        ...

    def requests_for(self, recipient: Address) -> int:
        """How many send requests for ``recipient`` reached the platform, whatever came of
        them: proof that a request left (or did not)."""
        ...

    # ---- faults -------------------------------------------------------------------------
    def block_bot(self, recipient: Address) -> None:
        """The person blocks the bot."""
        ...

    def delete_group(self, recipient: Address) -> None:
        """The group is deleted for good."""
        ...

    def move_group(self, recipient: Address) -> Address:
        """The group moves to a new address (only for ``moving_chats``); returns it."""
        ...

    def flood(self, recipient: Address, seconds: int) -> None:
        """From now on, sends to ``recipient`` are refused as too many, "retry in ``seconds``"."""
        ...

    def fail_next_send(self, recipient: Address, shape: ServerError) -> None:
        """The next send to ``recipient`` is refused with a 5xx before it takes effect."""
        ...

    def answer_next_send_late(self, recipient: Address) -> None:
        """The next send to ``recipient`` is received and carried out, but answered only after
        the adapter has stopped waiting (a timeout once the request left)."""
        ...

    def deep_link(self, payload: str) -> str:
        """The link the platform opens a private chat with the bot by, starting it with
        ``payload`` (only for ``deep_links``): what a ``Button.start`` must arrive as."""
        ...

    def drawn(self, text: str) -> str:
        """``text`` as the channel draws it (only for ``text_as_written`` False)."""
        ...

    def unreachable_adapter(self) -> ChannelAdapter:
        """The same adapter, pointed at an address where nothing listens (connection
        refused: no request can have left)."""
        ...


@dataclass(frozen=True)
class ChannelEntry:
    """One channel in the suite: the contract's tests run once per (channel, send path)."""

    name: str
    capabilities: Capabilities
    send_paths: tuple[SendPath, ...]
    open: Callable[[SendPath], AbstractAsyncContextManager[ChannelUnderTest]]
