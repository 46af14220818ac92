"""The monthly SMS budget (SPEC §13, ``sms.monthly_budget_vnd``): an SMS that would take the
calendar month's spending (in the configured timezone) past the budget is not sent, and officers
are told once that month.

Spending is what was recorded for each SMS sent (``storage.sms_subscribers.record_sms_sent``:
segments × ``sms.price_vnd``), bulletins, alerts and answers to texts alike; an SMS whose answer
never came (``MaybeDelivered``) counts, since it may have gone. Sends are checked and recorded
one at a time (a lock), so two workers cannot both pass the last of the budget; the phone sends
one at a time anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.outbound import MaybeDelivered, OverBudget
from storage import sms_subscribers as store
from storage.db import Database

log = logging.getLogger(__name__)

BudgetReached = Callable[[str, int], Awaitable[None]]  # (month "2026-03", budget in VND)


class BudgetSpent(OverBudget):
    """Refused: this SMS would go past the month's budget."""


class SmsBudget:
    def __init__(self, db: Database, clock: Clock, timezone: ZoneInfo, *, price_vnd: int,
                 monthly_budget_vnd: int, on_reached: BudgetReached) -> None:
        self._db = db
        self._clock = clock
        self._timezone = timezone
        self.price_vnd = price_vnd
        self.monthly_budget_vnd = monthly_budget_vnd
        self._on_reached = on_reached
        self._lock = asyncio.Lock()

    def month_start(self, now: datetime) -> datetime:
        local = now.astimezone(self._timezone)
        return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    async def spent_this_month(self) -> int:
        async with self._db.reading() as conn:
            return await store.sms_spent_since(conn, self.month_start(self._clock.now()))

    async def spend(self, segments: int, send: Callable[[], Awaitable[str]], *,
                    whole_segments: int = 0) -> str:
        """Send (``send`` returns the provider's id) if the month's budget allows it.
        ``whole_segments``: this is the first SMS of a message in parts, and it goes only if
        the budget allows all of them (it spends only its own)."""
        cost = segments * self.price_vnd
        needed = max(segments, whole_segments) * self.price_vnd
        async with self._lock:
            now = self._clock.now()
            async with self._db.reading() as conn:
                spent = await store.sms_spent_since(conn, self.month_start(now))
            if spent + needed > self.monthly_budget_vnd:
                await self._tell_once(now)
                raise BudgetSpent(f"sms: the monthly budget ({self.monthly_budget_vnd} VND) "
                                  "is spent")
            try:
                provider_id = await send()
            except MaybeDelivered:
                await self._record(segments, cost)
                raise
            await self._record(segments, cost)
            return provider_id

    async def _record(self, segments: int, cost: int) -> None:
        async with self._db.transaction() as conn:
            await store.record_sms_sent(conn, segments, cost, self._clock.now())

    async def _tell_once(self, now: datetime) -> None:
        month = now.astimezone(self._timezone).strftime("%Y-%m")
        async with self._db.transaction() as conn:
            first = await store.claim_budget_notice(conn, month, now)
        if first:
            log.warning("the SMS budget of %s is spent: no more SMS this month", month)
            try:
                await self._on_reached(month, self.monthly_budget_vnd)
            except Exception:
                log.exception("officers not told that the SMS budget is spent")
