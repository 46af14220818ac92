"""Zalo Bot messages already handled: ``getUpdates`` has no offset, so the platform may hand out
an update again (and the webhook may post one twice); a message whose key is here is dropped.
Keys are HMACs made by the channel; nothing about the sender is stored. Rows older than the
platform could plausibly re-deliver are pruned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conflict_insert import conflict_insert
from storage.schema import zalo_bot_handled_messages as handled


async def claim_message(conn: AsyncConnection, message_key: str, now: datetime) -> bool:
    """True the first time ``message_key`` is claimed, False for a repeat."""
    result = await conn.execute(conflict_insert(conn, handled).on_conflict_do_nothing()
                                .values(message_key=message_key, handled_at=now))
    return result.rowcount == 1


async def release_message(conn: AsyncConnection, message_key: str) -> None:
    """A message whose handling failed: when it comes again it is handled, not dropped."""
    await conn.execute(delete(handled).where(handled.c.message_key == message_key))


async def prune_messages(conn: AsyncConnection, handled_before: datetime) -> int:
    result = await conn.execute(delete(handled).where(handled.c.handled_at < handled_before))
    return result.rowcount
