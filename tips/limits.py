"""Abuse limits per pseudonym (SPEC §3.7): tips per hour and per day, blocks, code guessing.

Limits count by pseudonym, never by identity; one person flooding the bot is refused politely
and costs the others nothing: the counts come with the one query filing makes anyway
(``storage.tip_senders.standing_of``). They are checked when a tip flow starts too (SPEC §12),
so nobody writes a whole tip only to be refused; a sender over a limit is told when they may
send again. The end of a block is never told: it would say that it is a block, and for how long.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncConnection

from storage import tip_senders
from storage.tip_senders import Standing

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


class Refusal(StrEnum):
    BLOCKED = "blocked"
    HOURLY_LIMIT = "hourly_limit"
    DAILY_LIMIT = "daily_limit"


@dataclass(frozen=True)
class TipLimits:
    max_per_hour: int
    max_per_day: int


@dataclass(frozen=True)
class Refused:
    """A sender may not file a tip now: why, from when they may (None for a block), and whether
    a draft they were writing is kept for then."""

    refusal: Refusal
    until: datetime | None
    draft_kept: bool


def windows(now: datetime) -> dict[str, datetime]:
    """The starts of the counting windows, as ``standing_of`` takes them."""
    return {"now": now, "hour_ago": now - HOUR, "day_ago": now - DAY}


def refusal_of(standing: Standing, limits: TipLimits) -> Refusal | None:
    if standing.blocked:
        return Refusal.BLOCKED
    if standing.tips_since_hour >= limits.max_per_hour:
        return Refusal.HOURLY_LIMIT
    if standing.tips_since_day >= limits.max_per_day:
        return Refusal.DAILY_LIMIT
    return None


def sendable_again_at(recent: Sequence[datetime], limits: TipLimits,
                      now: datetime) -> datetime | None:
    """When enough of a sender's ``recent`` tips (newest first) have left the counting windows
    for every limit they reached: the moment the n-th newest tip of a full window grows older
    than the window, one more tip fits."""
    moments = []
    for window, most in ((HOUR, limits.max_per_hour), (DAY, limits.max_per_day)):
        inside = [at for at in recent if at >= now - window]
        if most > 0 and len(inside) >= most:
            moments.append(inside[most - 1] + window)
    return max(moments) if moments else None


async def refused(conn: AsyncConnection, sender: str, standing: Standing, limits: TipLimits,
                  now: datetime) -> Refused | None:
    """The refusal for this ``standing``, with when it ends (one more query, on refusals only)."""
    refusal = refusal_of(standing, limits)
    if refusal is None:
        return None
    until = None
    if refusal is not Refusal.BLOCKED:
        recent = await tip_senders.recent_tip_times(
            conn, sender, since=now - DAY, limit=max(limits.max_per_hour, limits.max_per_day))
        until = sendable_again_at(recent, limits, now)
    return Refused(refusal, until, standing.has_draft)


async def refused_at_start(conn: AsyncConnection, sender: str, limits: TipLimits,
                           now: datetime) -> Refused | None:
    """Whether a tip flow may start for this sender (the same rule filing applies)."""
    standing = await tip_senders.standing_of(conn, sender, **windows(now))
    return await refused(conn, sender, standing, limits, now)


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
