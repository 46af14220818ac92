"""Figures by channel (SPEC §13): what each channel carried on a period's days, from the running
totals per channel and day (``storage/rollup_tables.py``). Groups, their members and the SMS
subscribers per channel come with the groups' totals (``storage.statistics.group_totals``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.rollup_tables import stats_channel_days
from storage.statistics import scope_id_of


@dataclass(frozen=True)
class ChannelTotals:
    """What one channel carried on the period's days."""

    deliveries: int  # (bulletin, recipient) pairs first delivered
    failed: int
    tips: int


async def channel_totals(conn: AsyncConnection, scope_code: str, first_day: date,
                         last_day: date, *, own_only: bool = False) -> dict[str, ChannelTotals]:
    """Deliveries, failures and tips of the local days ``first_day``..``last_day`` within the
    subtree of ``scope_code``, per channel (only the channels that carried anything)."""
    table = stats_channel_days
    rows = await conn.execute(
        select(table.c.channel, func.sum(table.c.deliveries), func.sum(table.c.failed),
               func.sum(table.c.tips))
        .where(table.c.scope_id == scope_id_of(scope_code, own_only), table.c.day >= first_day,
               table.c.day <= last_day)
        .group_by(table.c.channel))
    totals = {channel: ChannelTotals(int(d), int(f), int(t)) for channel, d, f, t in rows}
    return {channel: t for channel, t in totals.items() if t.deliveries or t.failed or t.tips}
