"""The bulletin a staff member is composing, kept in the database at every step of the composer
so that a restart in the middle loses nothing already typed; dropped when they choose.

An ``/alert`` waiting for the officer to confirm its SMS cost (``broadcasts.sms_cost``) is kept
the same way, under a key of its own (``pending:<staff address>``), so that it neither replaces
nor is replaced by a bulletin being composed; the Confirm press takes it (once: a second press
finds nothing; ``broadcasts.held_questions``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.address import Address
from storage import bulletin_drafts as store
from storage.db import Database

from .bulletins import ALERT_TOPIC, Content
from .held_questions import hold_question, take_held

# A draft nobody came back to within this long is stale: the composer starts afresh.
DRAFT_LIFETIME = timedelta(days=3)
# An alert is urgent: a Confirm pressed this long after the question is too late to mean it.
PENDING_ALERT_LIFETIME = timedelta(hours=1)
PENDING_ALERT = "pending"


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
                         content.media_file_id if content else None, now,
                         content.sms_text if content else None)
    async with db.transaction() as conn:
        await store.save_draft(conn, address, row)


async def recall_draft(db: Database, address: Address, now: datetime) -> ComposerDraft | None:
    async with db.reading() as conn:
        row = await store.load_draft(conn, address)
    if row is None or now - row.updated_at > DRAFT_LIFETIME:
        return None
    content = (Content(row.body, row.media_kind, row.media_file_id, row.sms_text)
               if row.body is not None else None)
    return ComposerDraft(row.unit_code, content, row.topic)


async def forget_draft(db: Database, address: Address) -> None:
    async with db.transaction() as conn:
        await store.drop_draft(conn, address)


def _pending_alert_key(address: Address) -> Address:
    return Address(PENDING_ALERT, str(address))


async def hold_alert(db: Database, address: Address, unit_code: str, text: str,
                     now: datetime) -> None:
    """Keep ``/alert text`` until the officer confirms or cancels (one at a time: a newer
    alert replaces one not yet confirmed)."""
    await hold_question(db, _pending_alert_key(address), unit_code, text, now, topic=ALERT_TOPIC)


async def take_alert(db: Database, address: Address, now: datetime) -> str | None:
    """The held alert's text, removed; None when there is none, it is stale, or another press
    took it."""
    return await take_held(db, _pending_alert_key(address), PENDING_ALERT_LIFETIME, now)
