"""The cost question asked before a dispatch's uncertain copies are re-sent, held in the database
until the officer answers it (``broadcasts.held_questions``, as an ``/alert`` is held), under a
key of its own per officer and dispatch (``resend:<dispatch id>:<staff address>``): the hold says
which cost was shown (``broadcasts.alerts.ResendCost.shown``).

The Confirm press takes the hold, once: a second press of the same button, a button whose
question was never asked (a forged one), or one older than the lifetime finds nothing, and the
re-send is asked again with today's cost instead of going at a cost nobody was shown."""

from __future__ import annotations

from datetime import datetime

from core.address import Address
from storage.db import Database

from .composer_drafts import PENDING_ALERT_LIFETIME
from .held_questions import drop_held, hold_question, take_held

HELD_RESEND = "resend"
# Like an alert's question: a Confirm pressed this long after the question is too late to mean it.
RESEND_QUESTION_LIFETIME = PENDING_ALERT_LIFETIME


def _key(address: Address, dispatch_id: int) -> Address:
    return Address(HELD_RESEND, f"{dispatch_id}:{address}")


async def hold_resend_question(db: Database, address: Address, dispatch_id: int, unit_code: str,
                               shown: str, now: datetime) -> None:
    """The question was asked with cost ``shown``: a newer one replaces it."""
    await hold_question(db, _key(address, dispatch_id), unit_code, shown, now)


async def take_resend_question(db: Database, address: Address, dispatch_id: int,
                               now: datetime) -> str | None:
    """The cost the question showed, removed; None when none was asked, another press took it,
    or it is stale."""
    return await take_held(db, _key(address, dispatch_id), RESEND_QUESTION_LIFETIME, now)


async def drop_resend_question(db: Database, address: Address, dispatch_id: int) -> None:
    """Cancel: the question is answered."""
    await drop_held(db, _key(address, dispatch_id))
