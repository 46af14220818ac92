"""What became of each message to a tipster (SPEC §12: a question is never reported sent when it
was not, and a state message that fails is never silently lost).

The outbox worker and the purge of expired follow-up links report here. A question that did not
arrive is marked in the tip's thread (``/status`` shows it, and why) and the officer who asked
is told at once, through the outbox, naming the code and the reason. A state message that did
not arrive stays in the outbox as failed, with its reason, and ``/status`` lists it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from core.i18n import Translator
from core.outbound import (
    ChatUnavailable,
    OverBudget,
    Rejected,
    ReplyWindowClosed,
    SendFailure,
)
from org.roles import Role, role_allows
from storage import outbox
from storage import tips as tip_store
from storage.staff import find_staff
from storage.tip_records import Delivery

QUESTION_UNDELIVERED = "question_undelivered"


def delivery_after(failure: SendFailure) -> Delivery:
    """The reason staff are given for a send the channel refused for good."""
    if isinstance(failure, ReplyWindowClosed):
        return Delivery.WAITING  # kept: sent when the tipster next writes (Zalo OA)
    if isinstance(failure, ChatUnavailable):
        return Delivery.BLOCKED  # 403 "bot was blocked by the user", or the account is gone
    if isinstance(failure, OverBudget):
        return Delivery.OVER_BUDGET  # SMS: the month's budget is spent
    if isinstance(failure, Rejected):
        return Delivery.REFUSED
    return Delivery.FAILED


def question_undelivered(code: str, delivery: Delivery) -> dict[str, Any]:
    """The outbox row that tells an officer their question did not arrive: drawn when sent."""
    return {"event": QUESTION_UNDELIVERED, "code": code, "delivery": delivery.value}


def question_undelivered_text(tr: Translator, payload: dict[str, Any]) -> str:
    return tr("relay.question_undelivered", code=payload["code"],
              reason=reason_text(tr, Delivery(payload["delivery"])))


def reason_text(tr: Translator, delivery: Delivery) -> str:
    return tr("relay.reason." + delivery.value)


async def record_sent(conn: AsyncConnection, row: outbox.OutboxRow) -> None:
    if row.thread_entry_id is not None:
        await tip_store.set_delivery(conn, row.thread_entry_id, Delivery.SENT)


async def record_undelivered(conn: AsyncConnection, tr: Translator, row: outbox.OutboxRow,
                             delivery: Delivery, reason: str, now: datetime) -> Address | None:
    """Mark the notice failed and, for a question, its thread entry; tell who asked. Returns
    the chat of the officer told, if any (for the caller to wake the worker for)."""
    await outbox.mark_failed(conn, row.id, reason, delivery.value)
    return await tell_asker(conn, tr, row, delivery, now)


async def tell_asker(conn: AsyncConnection, tr: Translator, row: outbox.OutboxRow,
                     delivery: Delivery, now: datetime) -> Address | None:
    """The question ``row`` carried did not arrive: the thread says so, and so is the officer
    who asked (a state message has no asker; ``/status`` lists it)."""
    if row.thread_entry_id is None:
        return None
    await tip_store.set_delivery(conn, row.thread_entry_id, delivery)
    question = await tip_store.question_of(conn, row.thread_entry_id)
    if question is None or question.asked_by is None:
        return None
    asker = await find_staff(conn, question.asked_by)
    if asker is None or not role_allows(asker.role, Role.OFFICER):
        return None  # no longer an officer: a tip's code goes to no one who may not see it
    await outbox.enqueue(conn, payload=question_undelivered(question.code, delivery), now=now,
                         address=question.asked_by, tip_id=row.tip_id)
    return question.asked_by
