"""Abuse limits per pseudonym (SPEC §3.7): tips per hour and per day, blocks, code guessing.

Limits count by pseudonym, never by identity; one person flooding the bot is refused politely
and costs the others nothing but one indexed count query.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncConnection

from storage import tip_senders
from storage import tips as tip_store


class Refusal(StrEnum):
    BLOCKED = "blocked"
    HOURLY_LIMIT = "hourly_limit"
    DAILY_LIMIT = "daily_limit"


@dataclass(frozen=True)
class TipLimits:
    max_per_hour: int
    max_per_day: int


async def refusal_for(conn: AsyncConnection, sender: str, limits: TipLimits,
                      now: datetime) -> Refusal | None:
    if await tip_senders.blocked_until(conn, sender, now) is not None:
        return Refusal.BLOCKED
    if await tip_store.count_by_sender_since(conn, sender, now - timedelta(hours=1)) >= (
            limits.max_per_hour):
        return Refusal.HOURLY_LIMIT
    if await tip_store.count_by_sender_since(conn, sender, now - timedelta(days=1)) >= (
            limits.max_per_day):
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
