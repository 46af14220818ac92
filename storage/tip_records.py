"""Plain data of the tips domain: what a tip is, its assessment and state, its parts.

Kept beside the tables that hold it, so storage returns it without importing the domain
(DESIGN.md: storage imports none of the core); the ``tips`` package builds on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Assessment(StrEnum):
    UNASSESSED = "unassessed"
    VALUABLE = "valuable"
    NOT_VALUABLE = "not_valuable"
    FALSE = "false"


class TipState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ItemKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    VIDEO = "video"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO_NOTE = "video_note"
    DOCUMENT = "document"
    LOCATION = "location"


@dataclass(frozen=True)
class TipItem:
    """One part of a tip: a text, or a media file (by Telegram file id), or a location.

    ``message_id`` is the tipster's message in their own private chat, kept only while the tip
    is a draft, so an edit of that message can replace the part (SPEC §12). Without the chat id
    (never stored in clear) it points nowhere; it is not filed with the tip.
    """

    kind: ItemKind
    text: str | None = None
    file_id: str | None = None
    message_id: int | None = None

    def to_json(self) -> dict[str, str | int | None]:
        data: dict[str, str | int | None] = {"kind": self.kind.value, "text": self.text,
                                             "file_id": self.file_id}
        if self.message_id is not None:
            data["message_id"] = self.message_id
        return data

    @classmethod
    def from_json(cls, data: dict[str, str | int | None]) -> TipItem:
        message_id = data.get("message_id")
        text, file_id = data.get("text"), data.get("file_id")
        return cls(ItemKind(str(data["kind"] or "text")),
                   text if isinstance(text, str) else None,
                   file_id if isinstance(file_id, str) else None,
                   message_id if isinstance(message_id, int) else None)


@dataclass(frozen=True)
class Tip:
    id: int
    code: str
    unit_code: str
    category: str
    sender: str
    assessment: Assessment
    state: TipState
    created_at: datetime
    bulletin_id: int | None
    closed_at: datetime | None
    # The id of the case's first tip when merged with others (SPEC §15); None: a case by itself.
    case_id: int | None = None

    @property
    def case(self) -> int:
        """The case this tip is part of: the first tip's id (its own when alone)."""
        return self.case_id if self.case_id is not None else self.id


class Direction(StrEnum):
    FROM_TIPSTER = "from_tipster"
    TO_TIPSTER = "to_tipster"


class Delivery(StrEnum):
    """What became of a message to the tipster (a question, a state message): staff are never
    told one was sent when it was not (SPEC §12)."""

    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"  # the tipster blocked the bot (or left Telegram): 403
    LINK_EXPIRED = "link_expired"  # closed_at + tips.followup_days has passed: nothing relays
    REFUSED = "refused"  # the channel refused this very message
    FAILED = "failed"  # the channel could not be reached, after the retries
    WAITING = "waiting"  # the channel's reply window is closed: sent when the tipster writes
    OVER_BUDGET = "over_budget"  # the channel's budget is spent (SMS: sms.monthly_budget_vnd)

    @property
    def undelivered(self) -> bool:
        return self not in (Delivery.PENDING, Delivery.SENT)


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    direction: Direction
    text: str
    # Questions only; None for the tipster's words and for questions asked before migration
    # 0009, whose fate was not recorded.
    delivery: Delivery | None = None

    @property
    def reached_tipster(self) -> bool:
        return self.direction is Direction.TO_TIPSTER and self.delivery in (None,
                                                                            Delivery.SENT)
