"""A question put to an officer before something that costs money goes out (an ``/alert``'s SMS
cost, a re-send's cost), held in the database until they answer it, under a key of the asker's
own: ``broadcasts.composer_drafts`` holds an alert under ``pending:<staff address>``,
``broadcasts.resend_questions`` a re-send's cost under ``resend:<dispatch id>:<staff address>``.
The hold keeps the words the question showed.

The Confirm press takes the hold, once: a second press of the same button, a button whose
question was never asked (a forged one), or a question older than its lifetime finds nothing,
so nothing goes out on the strength of a question nobody is answering now."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.address import Address
from storage import bulletin_drafts as store
from storage.db import Database


async def hold_question(db: Database, key: Address, unit_code: str, shown: str, now: datetime,
                        *, topic: str | None = None) -> None:
    """The question was asked showing ``shown``: a newer one under the same key replaces it."""
    row = store.DraftRow(unit_code, topic, shown, None, None, now)
    async with db.transaction() as conn:
        await store.save_draft(conn, key, row)


async def take_held(db: Database, key: Address, lifetime: timedelta,
                    now: datetime) -> str | None:
    """What the question showed, removed; None when none was asked, another press took it, or
    it is older than ``lifetime``."""
    async with db.transaction() as conn:
        row = await store.load_draft(conn, key)
        if row is None or not await store.drop_draft(conn, key):
            return None
    if row.body is None or now - row.updated_at > lifetime:
        return None
    return row.body


async def drop_held(db: Database, key: Address) -> None:
    """Cancel: the question is answered."""
    async with db.transaction() as conn:
        await store.drop_draft(conn, key)
