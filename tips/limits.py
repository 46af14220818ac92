"""Abuse limits per pseudonym (SPEC §3.7): tips per hour and per day, blocks, code guessing.

Limits count by pseudonym, never by identity; one person flooding the bot is refused politely
and costs the others nothing: the counts come with the one query filing makes anyway
(``storage.tip_senders.standing_of``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from storage.tip_senders import Standing


class Refusal(StrEnum):
    BLOCKED = "blocked"
    HOURLY_LIMIT = "hourly_limit"
    DAILY_LIMIT = "daily_limit"


@dataclass(frozen=True)
class TipLimits:
    max_per_hour: int
    max_per_day: int


def windows(now: datetime) -> dict[str, datetime]:
    """The starts of the counting windows, as ``standing_of`` takes them."""
    return {"now": now, "hour_ago": now - timedelta(hours=1), "day_ago": now - timedelta(days=1)}


def refusal_of(standing: Standing, limits: TipLimits) -> Refusal | None:
    if standing.blocked:
        return Refusal.BLOCKED
    if standing.tips_since_hour >= limits.max_per_hour:
        return Refusal.HOURLY_LIMIT
    if standing.tips_since_day >= limits.max_per_day:
        return Refusal.DAILY_LIMIT
    return None


class GuessGuard:
    """Counts unknown-code lookups per pseudonym, so codes cannot be enumerated by /status.

    Kept in memory: a restart forgives, which is harmless at 30 bits of code space.
    """

    def __init__(self, max_misses: int = 10, window: timedelta = timedelta(hours=1)) -> None:
        self._max = max_misses
        self._window = window
        self._misses: dict[str, deque[datetime]] = {}

    def _recent(self, sender: str, now: datetime) -> deque[datetime]:
        misses = self._misses.setdefault(sender, deque())
        while misses and misses[0] <= now - self._window:
            misses.popleft()
        return misses

    def locked(self, sender: str, now: datetime) -> bool:
        return len(self._recent(sender, now)) >= self._max

    def miss(self, sender: str, now: datetime) -> None:
        self._recent(sender, now).append(now)
