"""The audit log: who did what to which thing, when. Written in the same transaction as the act."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.schema import audit_log


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: Address | None
    action: str
    subject: str
    detail: str


async def record_action(conn: AsyncConnection, *, at: datetime, actor: Address | None, action: str,
                        subject: str, detail: str = "") -> None:
    await conn.execute(audit_log.insert().values(
        at=at, actor=actor, action=action, subject=subject, detail=detail))


async def entries_for(conn: AsyncConnection, subject: str) -> list[AuditEntry]:
    rows = await conn.execute(
        select(audit_log).where(audit_log.c.subject == subject).order_by(audit_log.c.id))
    return [AuditEntry(r.at, r.actor, r.action, r.subject, r.detail) for r in rows]
