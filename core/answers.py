"""What a use case says back to the person who wrote, as plain data every channel can draw.

The core (tips, and later any conversation of the other packages) decides *what* to answer: a
text from the catalogue and, when the person has something to choose, rows of choices, each a
label and an action. An action is plain string data the core reads back when the choice is made
(``"u:TT-BINHTHANH"``); a channel with buttons puts it in the button (Telegram's callback data),
one without numbers the choices and maps the number the person sends back to the action.

No platform type appears here: a Zalo or SMS adapter draws the same answers the Telegram
handlers draw.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class Choice:
    """One thing the person may choose: what it says, and what the core does when chosen."""

    label: str
    action: str


class Shown(StrEnum):
    """How an answer is meant to appear."""

    MESSAGE = "message"  # a new message to the person
    # The question shown with the choice just made, asked again with other choices (moving in the
    # unit tree): redrawn in place where the channel can edit, else sent again with ``text``.
    NEW_CHOICES = "new_choices"
    # A short word about the choice just made (it expired, it is not allowed): an alert on the
    # pressed button where the channel has one, else a message.
    ALERT = "alert"


@dataclass(frozen=True)
class Answer:
    """A text from the catalogue, with rows of choices (a row is drawn side by side where the
    channel can; a channel without buttons lists them in order)."""

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    shown: Shown = Shown.MESSAGE
    # A long text a channel must split is split into parts that each start with this label
    # (a tip's code), so no part loses what it is about.
    label: str | None = None

    @property
    def all_choices(self) -> tuple[Choice, ...]:
        return tuple(choice for row in self.choices for choice in row)


class Undelivered(Exception):
    """The channel could not deliver an answer. ``kind`` names the kind of failure only: a
    platform's error text can name the chat, and must never reach a log."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Reply(Protocol):
    """How a use case answers the person: the adapter draws ``answer`` in the chat the person
    wrote in, and raises :class:`Undelivered` when the platform refused it."""

    def __call__(self, answer: Answer) -> Awaitable[None]: ...
