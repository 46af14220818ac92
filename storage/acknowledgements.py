""""Đã phổ biến" presses, per bulletin and group, keyed by pseudonym (never by identity)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import acknowledgements


async def record_press(conn: AsyncConnection, bulletin_id: int, group_id: int, pseudonym: str,
                       now: datetime) -> bool:
    """False when this person had already pressed for this bulletin in this group."""
    try:
        async with conn.begin_nested():
            await conn.execute(acknowledgements.insert().values(
                bulletin_id=bulletin_id, group_id=group_id, pseudonym=pseudonym, pressed_at=now))
    except IntegrityError:
        return False
    return True


async def press_count(conn: AsyncConnection, bulletin_id: int, group_id: int) -> int:
    return (await conn.execute(select(func.count()).where(
        acknowledgements.c.bulletin_id == bulletin_id,
        acknowledgements.c.group_id == group_id))).scalar_one()


async def acknowledged_groups(conn: AsyncConnection, bulletin_ids: Collection[int]) -> int:
    """(bulletin, group) pairs with at least one press, among ``bulletin_ids``."""
    if not bulletin_ids:
        return 0
    pairs = (select(acknowledgements.c.bulletin_id, acknowledgements.c.group_id)
             .where(acknowledgements.c.bulletin_id.in_(list(bulletin_ids))).distinct()
             .subquery())
    return (await conn.execute(select(func.count()).select_from(pairs))).scalar_one()
