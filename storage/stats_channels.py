"""Figures by channel (SPEC §13): what each channel carried on a period's days, from the running
totals per channel and day (``storage/rollup_tables.py``). Groups, their members and the SMS
subscribers per channel come with the groups' totals (``storage.statistics.group_totals``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.rollup_tables import stats_channel_days
from storage.statistics import scope_id_of
from storage.stats_parts import PartRow, Value, part_select, rows_by_part


@dataclass(frozen=True)
class ChannelTotals:
    """What one channel carried on the period's days."""

    deliveries: int  # (bulletin, recipient) pairs first delivered
    failed: int
    tips: int


CHANNELS = "channels"


def channel_part(scope_code: Value, first_day: Value, last_day: Value, *,
                 own_only: bool = False) -> Select[Any]:
    """Per channel: deliveries, failures and tips of the local days ``first_day``..
    ``last_day`` within the subtree of ``scope_code``."""
    table = stats_channel_days
    return (part_select(CHANNELS, [table.c.channel], [
        func.sum(table.c.deliveries), func.sum(table.c.failed), func.sum(table.c.tips)])
        .where(table.c.scope_id == scope_id_of(scope_code, own_only), table.c.day >= first_day,
               table.c.day <= last_day)
        .group_by(table.c.channel))


def read_channel_totals(rows: Sequence[PartRow]) -> dict[str, ChannelTotals]:
    """Only the channels that carried anything."""
    return {row.key: ChannelTotals(row.first, row.second, row.third) for row in rows
            if row.first or row.second or row.third}


async def channel_totals(conn: AsyncConnection, scope_code: str, first_day: date,
                         last_day: date, *, own_only: bool = False) -> dict[str, ChannelTotals]:
    """Deliveries, failures and tips of the local days ``first_day``..``last_day`` within the
    subtree of ``scope_code``, per channel (only the channels that carried anything)."""
    rows = rows_by_part(await conn.execute(
        channel_part(scope_code, first_day, last_day, own_only=own_only)))
    return read_channel_totals(rows[CHANNELS])
