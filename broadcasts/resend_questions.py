"""The cost question asked before a dispatch's uncertain copies are re-sent, held in the database
until the officer answers it (as ``broadcasts.composer_drafts`` holds an ``/alert``), under a key
of its own per officer and dispatch (``resend:<dispatch id>:<staff address>``): the hold says
which cost was shown (``broadcasts.alerts.ResendCost.shown``).

The Confirm press takes the hold, once: a second press of the same button, a button whose
question was never asked (a forged one), or one older than the lifetime finds nothing, and the
re-send is asked again with today's cost instead of going at a cost nobody was shown."""

from __future__ import annotations

from datetime import datetime

from core.address import Address
from storage import bulletin_drafts as store
from storage.db import Database

from .composer_drafts import PENDING_ALERT_LIFETIME

HELD_RESEND = "resend"
# Like an alert's question: a Confirm pressed this long after the question is too late to mean it.
RESEND_QUESTION_LIFETIME = PENDING_ALERT_LIFETIME


def _key(address: Address, dispatch_id: int) -> Address:
    return Address(HELD_RESEND, f"{dispatch_id}:{address}")


async def hold_resend_question(db: Database, address: Address, dispatch_id: int, unit_code: str,
                               shown: str, now: datetime) -> None:
    """The question was asked with cost ``shown``: a newer one replaces it."""
    row = store.DraftRow(unit_code, None, shown, None, None, now)
    async with db.transaction() as conn:
        await store.save_draft(conn, _key(address, dispatch_id), row)


async def take_resend_question(db: Database, address: Address, dispatch_id: int,
                               now: datetime) -> str | None:
    """The cost the question showed, removed; None when none was asked, another press took it,
    or it is stale."""
    key = _key(address, dispatch_id)
    async with db.transaction() as conn:
        row = await store.load_draft(conn, key)
        if row is None or not await store.drop_draft(conn, key):
            return None
    if row.body is None or now - row.updated_at > RESEND_QUESTION_LIFETIME:
        return None
    return row.body


async def drop_resend_question(db: Database, address: Address, dispatch_id: int) -> None:
    """Cancel: the question is answered."""
    async with db.transaction() as conn:
        await store.drop_draft(conn, _key(address, dispatch_id))
