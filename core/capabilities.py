"""What a channel can do (SPEC §13), declared once by each adapter and read by whoever draws a
message for it: the core says *what happened*; how it looks depends on these.

Telegram has callback buttons, captions, replies and edits; a Zalo OA chat has buttons that send
a text back and a reply window; an SMS has none of that, so its choices become numbered lines
("Trả lời 1, 2 hoặc 3"). Nothing here imports a platform library: the adapters fill it in from
their platform's own constants (PTB's ``MessageLimit`` for Telegram).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from core.outbound import MediaKind


class ButtonStyle(StrEnum):
    CALLBACK = "callback"  # a press comes back as data (Telegram's inline keyboards)
    TEXT_REPLY = "text_reply"  # a press sends a text back as if typed (Zalo's oa.query.hide)
    NONE = "none"  # no buttons: choices are numbered lines, answered with the number


def code_point_length(text: str) -> int:
    return len(text)


def utf16_length(text: str) -> int:
    """Telegram's measure: an emoji outside the basic plane counts two."""
    # UTF-16's code units, counted in C (a Python test per character was measured on every
    # message sent).
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class RateLimits:
    """The pacing the platform asks for; the senders stay under it."""

    messages_per_second: float  # overall, all chats together
    group_messages_per_minute: float  # into one group
    private_interval_seconds: float  # between two messages to one person


@dataclass(frozen=True)
class Capabilities:
    text_limit: int  # the longest text one message may carry, in ``measure`` units
    caption_limit: int  # 0: media take no caption (the text goes in a message of its own)
    buttons: ButtonStyle
    url_buttons: bool  # a button may open a link
    max_buttons: int  # per message; more choices are numbered lines
    media: frozenset[MediaKind]  # kinds the channel can send; others are described in text
    silent_sends: bool  # a message may go without a notification sound (quiet hours)
    edits: bool  # buttons of a sent message can be changed
    replies: bool  # a message can answer an earlier one (tip items thread under the notice)
    deep_links: bool  # a link can open a private chat with the bot and start the tip flow
    rate: RateLimits
    # How long after a person's last message the channel lets the bot write to them; None: any
    # time (Zalo OA consultation messages: 7 days).
    reply_window: timedelta | None = None
    measure: Callable[[str], int] = field(default=code_point_length, compare=False)
    # A message to a group may carry buttons that answer back (a bulletin's "Đã phổ biến");
    # False where a group cannot press one (Zalo OA's GMF groups take links only, in the text).
    group_buttons: bool = True

    def fits(self, text: str, *, caption: bool = False) -> bool:
        limit = self.caption_limit if caption else self.text_limit
        return self.measure(text) <= limit
