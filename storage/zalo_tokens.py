"""The Zalo OA's OAuth tokens: one row per OA, the only copy of the current refresh token.

Zalo's refresh token works once; the answer to a refresh carries the next one. So the row is
read under a lock (``locked_tokens``: an UPDATE first, which holds the row in PostgreSQL and the
write lock in SQLite until the transaction ends), the refresh is made while the lock is held,
and the new pair is written in that same transaction (``store_rotation``), committed before the
new access token is used. A second process waits at the lock, then finds a fresh access token
and does not refresh at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conflict_insert import conflict_insert
from storage.schema import zalo_tokens


@dataclass(frozen=True)
class StoredTokens:
    refresh_token: str
    access_token: str | None
    access_expires_at: datetime | None
    seed_fingerprint: str
    refused_reason: str | None  # set once Zalo refused refresh_token: nothing works until reseeded


async def seed_tokens(conn: AsyncConnection, oa_id: str, refresh_token: str, fingerprint: str,
                      now: datetime) -> None:
    """Keep the operator's first refresh token, unless the chain in the database is newer: it is
    taken only when there is no row, or when the stored chain was refused and the operator has
    put a different token in the environment since."""
    await conn.execute(conflict_insert(conn, zalo_tokens).on_conflict_do_nothing().values(
        oa_id=oa_id, refresh_token=refresh_token, seed_fingerprint=fingerprint, updated_at=now))
    await conn.execute(update(zalo_tokens).where(
        zalo_tokens.c.oa_id == oa_id, zalo_tokens.c.refused_at.is_not(None),
        zalo_tokens.c.seed_fingerprint != fingerprint,
    ).values(refresh_token=refresh_token, seed_fingerprint=fingerprint, access_token=None,
             access_expires_at=None, refused_at=None, refused_reason=None, updated_at=now))


async def locked_tokens(conn: AsyncConnection, oa_id: str, now: datetime) -> StoredTokens | None:
    """The OA's tokens, with the row locked until the transaction ends."""
    locked = await conn.execute(update(zalo_tokens).where(zalo_tokens.c.oa_id == oa_id)
                                .values(updated_at=now))
    if locked.rowcount != 1:
        return None
    row = (await conn.execute(select(zalo_tokens).where(zalo_tokens.c.oa_id == oa_id))).one()
    return StoredTokens(row.refresh_token, row.access_token, row.access_expires_at,
                        row.seed_fingerprint, row.refused_reason)


async def store_rotation(conn: AsyncConnection, oa_id: str, *, used_refresh_token: str,
                         refresh_token: str, access_token: str, access_expires_at: datetime,
                         now: datetime) -> None:
    """The new pair replaces the one just used (under the lock of ``locked_tokens``)."""
    result = await conn.execute(update(zalo_tokens).where(
        zalo_tokens.c.oa_id == oa_id, zalo_tokens.c.refresh_token == used_refresh_token,
    ).values(refresh_token=refresh_token, access_token=access_token,
             access_expires_at=access_expires_at, updated_at=now))
    if result.rowcount != 1:
        # Only a caller that skipped locked_tokens can get here; losing the new token silently
        # would stop the channel for good at the next refresh.
        raise RuntimeError("the Zalo refresh token changed under a rotation")


async def mark_refused(conn: AsyncConnection, oa_id: str, refresh_token: str, reason: str,
                       now: datetime) -> None:
    await conn.execute(update(zalo_tokens).where(
        zalo_tokens.c.oa_id == oa_id, zalo_tokens.c.refresh_token == refresh_token,
    ).values(refused_at=now, refused_reason=reason[:200], access_token=None,
             access_expires_at=None, updated_at=now))
