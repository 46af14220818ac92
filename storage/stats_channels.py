"""Figures by channel (SPEC §13): what each channel carried, from the running totals per
channel and day (``storage/rollup_tables.py``), and the SMS subscribers of a scope.

SMS subscribers are recipient rows in ``groups`` with their own status
(``storage.sms_subscribers``), left out of the groups and their members, which count chat groups
(SPEC §12: members of a group are its chat's members): they are people, counted apart, one each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.rollup_tables import stats_channel_days, unit_ancestors
from storage.schema import groups
from storage.sms_subscribers import SMS_RECIPIENT
from storage.statistics import scope_id_of


@dataclass(frozen=True)
class ChannelTotals:
    """What one channel carried on the period's days."""

    deliveries: int  # (bulletin, recipient) pairs first delivered
    failed: int
    tips: int


async def sms_subscriber_count(conn: AsyncConnection, scope_code: str, at: datetime, *,
                               own_only: bool = False) -> int:
    """SMS subscribers of the scope who receive its bulletins now and first subscribed before
    ``at``: each is one person (one recipient row; no member count)."""
    subtree = select(unit_ancestors.c.unit_id).where(
        unit_ancestors.c.ancestor_id == scope_id_of(scope_code, own_only))
    return int((await conn.execute(
        select(func.count(groups.c.id))
        .where(groups.c.unit_id.in_(subtree), groups.c.status == SMS_RECIPIENT,
               groups.c.created_at < at))).scalar_one())


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
