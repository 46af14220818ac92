"""The bulletin a staff member is composing, kept in the database at every step of the composer
so that a restart in the middle loses nothing already typed; dropped when they choose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.address import Address
from storage import bulletin_drafts as store
from storage.db import Database

from .bulletins import Content

# A draft nobody came back to within this long is stale: the composer starts afresh.
DRAFT_LIFETIME = timedelta(days=3)


@dataclass
class ComposerDraft:
    unit: str
    content: Content | None = None
    topic: str | None = None


async def remember_draft(db: Database, address: Address, draft: ComposerDraft,
                         now: datetime) -> None:
    content = draft.content
    row = store.DraftRow(draft.unit, draft.topic, content.body if content else None,
                         content.media_kind if content else None,
                         content.media_file_id if content else None, now)
    async with db.transaction() as conn:
        await store.save_draft(conn, address, row)


async def recall_draft(db: Database, address: Address, now: datetime) -> ComposerDraft | None:
    async with db.reading() as conn:
        row = await store.load_draft(conn, address)
    if row is None or now - row.updated_at > DRAFT_LIFETIME:
        return None
    content = (Content(row.body, row.media_kind, row.media_file_id)
               if row.body is not None else None)
    return ComposerDraft(row.unit_code, content, row.topic)


async def forget_draft(db: Database, address: Address) -> None:
    async with db.transaction() as conn:
        await store.drop_draft(conn, address)
