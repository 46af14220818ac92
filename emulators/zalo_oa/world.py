"""What the Zalo OA emulator holds: the OA's followers, its GMF groups, the messages the OA sent,
the tokens it issued, and the calls it received.

Zalo ids are opaque strings (user ids are decimal, group and message ids 20 hex digits); the
emulator makes ids of the same shapes so that an adapter's parsing meets what it will meet.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ZaloUser:
    """A Zalo user as the OA sees them (an id scoped to this OA)."""

    id: str
    name: str
    following: bool = True
    # Emulator time (seconds) of the user's last message to the OA: the consultation reply
    # window runs from it. None: never wrote.
    last_message_at: float | None = None
    # Set for a person who writes without following the OA: ``id`` is then their anonymous id,
    # and they are answered only by this pair (``anonymous_send_*`` events carry it).
    conversation_id: str = ""

    @property
    def chat(self) -> str:
        """How ``sent_to`` and the fault plan name this person's chat."""
        return f"anon:{self.id}" if self.conversation_id else f"user:{self.id}"


@dataclass
class ZaloGroup:
    """A GMF group the OA manages."""

    id: str
    name: str
    members: int
    enabled: bool = True  # "disabled": the group's service lapsed (-237 on send)
    deleted: bool = False  # dissolved: gone from the list, sends refused


@dataclass(frozen=True)
class SentMessage:
    """One message the OA sent, as the request carried it (``message`` object)."""

    message_id: str
    to: str  # "user:<id>", "anon:<anonymous id>" or "group:<id>"
    message: dict[str, Any]
    at: float


@dataclass(frozen=True)
class ApiCall:
    """One request the emulator received (any path), for tests that count them."""

    path: str
    to: str | None  # the recipient named by a send, "user:<id>" / "anon:<id>" / "group:<id>"
    body: dict[str, Any]


@dataclass
class TokenBook:
    """Refresh tokens work once and are replaced; access tokens expire."""

    refresh_tokens: dict[str, bool] = field(default_factory=dict)  # token -> still usable
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires at

    def issue_refresh_token(self) -> str:
        token = secrets.token_urlsafe(48)
        self.refresh_tokens[token] = True
        return token

    def issue_access_token(self, now: float, lifetime: float) -> str:
        token = secrets.token_urlsafe(48)
        self.access_tokens[token] = now + lifetime
        return token


_numbers = itertools.count(1)


def new_user_id() -> str:
    return str(3_000_000_000_000_000_000 + next(_numbers) * 7919)


def new_hex_id() -> str:
    return secrets.token_hex(10)
