"""How many of some delivery rows, or of some groups, are SMS subscribers (a ``groups`` row
addressed ``sms:<sealed>``): officers read "N nhóm và M người nhận SMS", not "N nhóm", when a
bulletin's recipients are partly or wholly phones (SPEC §13)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, String, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import deliveries, groups
from storage.sms_subscribers import SMS_CHANNEL


def is_sms_recipient() -> ColumnElement[bool]:
    # Compared as text: the address column's own type would read the pattern as an address.
    return type_coerce(groups.c.address, String).startswith(f"{SMS_CHANNEL}:")


async def sms_among_deliveries(conn: AsyncConnection, delivery_ids: Collection[int]) -> int:
    if not delivery_ids:
        return 0
    return int((await conn.execute(
        select(func.count()).select_from(deliveries.join(groups,
                                                         deliveries.c.group_id == groups.c.id))
        .where(deliveries.c.id.in_(list(delivery_ids)), is_sms_recipient()))).scalar_one())


async def sms_group_ids(conn: AsyncConnection, group_ids: Collection[int]) -> set[int]:
    """The ones of ``group_ids`` that are SMS subscribers."""
    if not group_ids:
        return set()
    rows = await conn.execute(select(groups.c.id)
                              .where(groups.c.id.in_(list(group_ids)), is_sms_recipient()))
    return {row.id for row in rows}
