"""Bulletins being composed, one per staff member, so that a restart mid-composer loses
nothing the officer typed (issue 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.schema import bulletin_drafts


@dataclass(frozen=True)
class DraftRow:
    unit_code: str
    topic: str | None
    body: str | None
    media_kind: str | None
    media_file_id: str | None
    updated_at: datetime
    sms_text: str | None = None  # the SMS version the officer wrote, if any


async def save_draft(conn: AsyncConnection, address: Address, draft: DraftRow) -> None:
    # Delete then insert: portable, and one short transaction per composer step.
    await conn.execute(delete(bulletin_drafts).where(bulletin_drafts.c.address == address))
    await conn.execute(bulletin_drafts.insert().values(
        address=address, unit_code=draft.unit_code, topic=draft.topic, body=draft.body,
        media_kind=draft.media_kind, media_file_id=draft.media_file_id,
        updated_at=draft.updated_at, sms_text=draft.sms_text))


async def load_draft(conn: AsyncConnection, address: Address) -> DraftRow | None:
    row = (await conn.execute(select(bulletin_drafts)
                              .where(bulletin_drafts.c.address == address))).first()
    if row is None:
        return None
    return DraftRow(row.unit_code, row.topic, row.body, row.media_kind, row.media_file_id,
                    row.updated_at, row.sms_text)


async def drop_draft(conn: AsyncConnection, address: Address) -> bool:
    """False when there was none (another press took it first)."""
    result = await conn.execute(
        delete(bulletin_drafts).where(bulletin_drafts.c.address == address))
    return result.rowcount == 1
