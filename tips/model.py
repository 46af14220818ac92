"""Plain data of the tips domain: what a tip is, its assessment and state, its parts."""

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
    """One part of a tip: a text, or a media file (by Telegram file id), or a location."""

    kind: ItemKind
    text: str | None = None
    file_id: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind.value, "text": self.text, "file_id": self.file_id}

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> TipItem:
        return cls(ItemKind(data["kind"] or "text"), data.get("text"), data.get("file_id"))


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
