"""Building plain text plus Bot API ``MessageEntity`` dicts, as the entity parsers need it.

Telegram measures entity offsets and lengths in UTF-16 code units (an emoji outside the BMP
counts as two), so the builder tracks that alongside the text it accumulates.
"""

from __future__ import annotations

from typing import Any


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of ``MessageEntity.offset``/``length``."""
    return len(text.encode("utf-16-le")) // 2


def byte_offset(source: str, index: int) -> int:
    """Telegram reports parse errors at UTF-8 byte offsets of the original text."""
    return len(source[:index].encode("utf-8"))


class EntityParseError(ValueError):
    """Markup that Telegram refuses with "Bad Request: can't parse entities: ..."."""


class TextBuilder:
    """Accumulates output text and finished entities."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.offset = 0  # UTF-16 length so far
        self.entities: list[dict[str, Any]] = []

    def add(self, text: str) -> None:
        self._parts.append(text)
        self.offset += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        """Close an entity that began at UTF-16 offset ``start``; empty ones are dropped."""
        if self.offset > start:
            self.entities.append({"type": kind, "offset": start, "length": self.offset - start})
            self.entities[-1].update({k: v for k, v in extra.items() if v is not None})

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self._parts), entities
