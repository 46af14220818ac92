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


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    direction: Direction
    text: str
