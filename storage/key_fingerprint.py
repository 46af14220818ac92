"""The stored fingerprint of the secret key (one row), read and written at start-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tips_tables import secret_key_fingerprint


async def stored_fingerprint(conn: AsyncConnection) -> str | None:
    return (await conn.execute(select(secret_key_fingerprint.c.fingerprint)
                               .order_by(secret_key_fingerprint.c.id).limit(1))).scalar()


async def record_fingerprint(conn: AsyncConnection, fingerprint: str, now: datetime) -> None:
    """Replace whatever was recorded: there is one key at a time."""
    await conn.execute(delete(secret_key_fingerprint))
    await conn.execute(secret_key_fingerprint.insert().values(fingerprint=fingerprint,
                                                              recorded_at=now))
