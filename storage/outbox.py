"""The outbox: notices committed with the change that caused them, sent by a worker after.

Rows go pending → sending → sent | failed. A row left ``sending`` by a crash goes back to
pending at start-up: a notice is sent at least once (its text names the tip code, so a rare
repeat is recognisable), because a lost notice would be a tip nobody looks at. A text longer
than one message goes out in parts, one part per turn of its chat; ``parts_sent`` counts them,
so a retry goes on from the next part. A notice to a tipster that fails says why (``failure``,
a ``storage.tip_records.Delivery`` value), for ``/status``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Select, TextClause, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.prepared import prepared
from storage.schema import UTCDateTime
from storage.tips_tables import outbox

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True)
class OutboxRow:
    id: int
    address: Address | None  # a staff member; None: to a tipster, through relay_link
    relay_link: str | None
    payload: dict[str, Any]
    attempts: int
    tip_id: int | None = None
    thread_entry_id: int | None = None
    parts_sent: int = 0

    @property
    def to_tipster(self) -> bool:
        return self.address is None


@dataclass(frozen=True)
class UndeliveredNotice:
    """A notice to a tipster that did not reach them (not a question: those are in the thread)."""

    at: datetime
    about: str | None  # the catalogue key it was written from, when the payload says
    failure: str


async def enqueue(conn: AsyncConnection, *, payload: dict[str, Any], now: datetime,
                  address: Address | None = None, relay_link: str | None = None,
                  tip_id: int | None = None, thread_entry_id: int | None = None) -> None:
    if (address is None) == (relay_link is None):
        raise ValueError("a notice goes to a staff address or through a relay link, not both")
    await conn.execute(outbox.insert().values(
        address=address, relay_link=relay_link, tip_id=tip_id, thread_entry_id=thread_entry_id,
        payload=json.dumps(payload, ensure_ascii=False), status=PENDING, attempts=0,
        not_before=now, created_at=now))


async def record_undeliverable(conn: AsyncConnection, *, payload: dict[str, Any],
                               now: datetime, tip_id: int, failure: str) -> None:
    """A notice to a tipster that cannot even be queued (their link is gone): kept as failed,
    so staff see it was never delivered instead of it silently not existing."""
    await conn.execute(outbox.insert().values(
        address=None, relay_link=None, tip_id=tip_id,
        payload=json.dumps(payload, ensure_ascii=False), status=FAILED, attempts=0,
        last_error=failure, failure=failure, not_before=now, created_at=now))


# Built once and spelled out: filing a tip queues its notices with it (storage/prepared.py).
_INSERT_MANY = prepared(text(
    "INSERT INTO outbox (address, relay_link, tip_id, payload, status, attempts, not_before,"
    " created_at) VALUES (:address, NULL, :tip_id, :payload, :status, 0, :not_before,"
    " :created_at)"
).bindparams(bindparam("not_before", type_=UTCDateTime()),
             bindparam("created_at", type_=UTCDateTime())))


async def enqueue_many(conn: AsyncConnection, notices: Sequence[tuple[Address, dict[str, Any]]], *,
                       now: datetime, tip_id: int | None = None) -> None:
    """Several notices to staff, ``(address, payload)`` each, in one statement."""
    if notices:
        await conn.execute(_INSERT_MANY, [
            {"address": str(address), "tip_id": tip_id,
             "payload": json.dumps(payload, ensure_ascii=False), "status": PENDING,
             "not_before": now, "created_at": now}
            for address, payload in notices])


DUE_ROWS_LIMIT = 200
# Read on every pass of the outbox worker (at most one a second while notices wait): built once
# and run straight on the inline SQLite connection (storage/prepared.py).
_DUE_ROWS = prepared(text(
    "SELECT id, address, relay_link, payload, attempts, tip_id, thread_entry_id, parts_sent"
    " FROM outbox WHERE id IN (SELECT min(id) FROM outbox"
    f" WHERE status = '{PENDING}' AND not_before <= :now"
    " GROUP BY coalesce(address, relay_link)) ORDER BY id LIMIT :limit"
).bindparams(bindparam("now", type_=UTCDateTime())).columns(
    outbox.c.id, outbox.c.address, outbox.c.relay_link, outbox.c.payload, outbox.c.attempts,
    outbox.c.tip_id, outbox.c.thread_entry_id, outbox.c.parts_sent))


async def due_rows(conn: AsyncConnection, now: datetime,
                   limit: int = DUE_ROWS_LIMIT) -> list[OutboxRow]:
    """The oldest due notice of each recipient: one busy chat (an admin who hears of every tip)
    must not hold up everyone else's notices, and each chat's notices keep their order."""
    rows = await conn.execute(_DUE_ROWS, {"now": now, "limit": limit})
    return [OutboxRow(r.id, r.address, r.relay_link, json.loads(r.payload), r.attempts,
                      r.tip_id, r.thread_entry_id, r.parts_sent) for r in rows]


# Every message the outbox sends is marked twice (storage/prepared.py: built once, run straight
# on the inline SQLite connection).
_MARK_SENDING = prepared(text(
    f"UPDATE outbox SET status = '{SENDING}', attempts = attempts + 1"
    f" WHERE id = :id AND status = '{PENDING}'"))


@dataclass(frozen=True)
class _Marking:
    """One way of marking a row (``UPDATE outbox SET ... WHERE id = :id``), prepared twice:
    as it is, and replacing the row's payload too (a tip's notice keeps the id of the message
    it became)."""

    plain: TextClause
    with_payload: TextClause

    @classmethod
    def of(cls, assignments: str, *binds: BindParameter[Any]) -> _Marking:
        def built(payload: str) -> TextClause:
            return prepared(text(f"UPDATE outbox SET {assignments}{payload} WHERE id = :id")
                            .bindparams(*binds))

        return cls(built(""), built(", payload = :payload"))

    async def run(self, conn: AsyncConnection, values: dict[str, Any],
                  payload: dict[str, Any] | None) -> None:
        if payload is None:
            await conn.execute(self.plain, values)
        else:
            await conn.execute(self.with_payload, {
                **values, "payload": json.dumps(payload, ensure_ascii=False)})


# A sealed link is kept only while it is needed: not after the notice is done with.
_MARK_SENT = _Marking.of(
    f"status = '{SENT}', sent_at = :sent_at, last_error = NULL, relay_link = NULL",
    bindparam("sent_at", type_=UTCDateTime()))


async def mark_sending(conn: AsyncConnection, row_id: int) -> bool:
    result = await conn.execute(_MARK_SENDING, {"id": row_id})
    return result.rowcount > 0


# A row marked sending that was not sent after all (the outbox worker stopped in mid-pass): its
# attempt is taken back.
_UNMARK_SENDING = prepared(text(
    f"UPDATE outbox SET status = '{PENDING}', attempts = attempts - 1"
    f" WHERE id = :id AND status = '{SENDING}'"))


async def unmark_sending(conn: AsyncConnection, row_ids: Sequence[int]) -> None:
    """Rows marked sending and never sent go back to pending."""
    if row_ids:
        await conn.execute(_UNMARK_SENDING, [{"id": row_id} for row_id in row_ids])


async def mark_sent(conn: AsyncConnection, row_id: int, now: datetime, *,
                    payload: dict[str, Any] | None = None) -> None:
    """Sent; ``payload``, when given, replaces the stored one (a tip's notice keeps the id of
    the message it became, which the tip's parts reply to)."""
    await _MARK_SENT.run(conn, {"id": row_id, "sent_at": now}, payload)


# The payload of a tip's notice starts with this (tips/notices.py puts "thread" first, and JSON
# keeps the order); no tipster's text can forge it at the start of the JSON object.
_THREAD_START = '{"thread": "start"%'


async def thread_start_message_id(conn: AsyncConnection, *, address: Address, tip_id: int,
                                  before_id: int) -> int | None:
    """The message id of the tip's notice in this chat, once sent: the nearest notice before
    ``before_id`` (searched backwards from it along the primary key, so only the few rows
    queued with the tip are read, whatever the size of the outbox)."""
    payload = (await conn.execute(
        select(outbox.c.payload)
        .where(outbox.c.id < before_id, outbox.c.address == address, outbox.c.tip_id == tip_id,
               outbox.c.payload.like(_THREAD_START))
        .order_by(outbox.c.id.desc()).limit(1))).scalar()
    if payload is None:
        return None
    message_id = json.loads(payload).get("message_id")
    return message_id if isinstance(message_id, int) else None


# A long notice's parts, and the worker's failure paths: built once (storage/prepared.py).
_MARK_PART_SENT = _Marking.of(
    f"status = '{PENDING}', parts_sent = parts_sent + 1, attempts = 0, last_error = NULL")
_MARK_FAILED = prepared(text(
    f"UPDATE outbox SET status = '{FAILED}', last_error = :reason, relay_link = NULL,"
    " failure = :failure WHERE id = :id"))
_RETRY_LATER = prepared(text(
    f"UPDATE outbox SET status = '{PENDING}', not_before = :not_before, last_error = :reason"
    " WHERE id = :id").bindparams(bindparam("not_before", type_=UTCDateTime())))
# Flood control is not the message's fault: the attempt its sending mark counted is taken back.
_RETRY_LATER_NOT_COUNTED = prepared(text(
    f"UPDATE outbox SET status = '{PENDING}', not_before = :not_before, last_error = :reason,"
    " attempts = attempts - 1 WHERE id = :id"
).bindparams(bindparam("not_before", type_=UTCDateTime())))
ERROR_KEPT = 500  # characters of a failure's reason kept in the row


async def mark_part_sent(conn: AsyncConnection, row_id: int, *,
                         payload: dict[str, Any] | None = None) -> None:
    """One part of a long text is out: the row waits for its chat's next turn for the next.
    ``payload``, when given, replaces the stored one (as in ``mark_sent``)."""
    await _MARK_PART_SENT.run(conn, {"id": row_id}, payload)


async def mark_failed(conn: AsyncConnection, row_id: int, reason: str,
                      failure: str | None = None) -> None:
    await conn.execute(_MARK_FAILED, {"id": row_id, "reason": reason[:ERROR_KEPT],
                                      "failure": failure})


async def forget_relay_links_of(conn: AsyncConnection, tip_ids: Select[Any],
                                failure: str) -> list[OutboxRow]:
    """The follow-up window of these tips is over: notices not yet sent to them never will be.
    Returns them (their links already forgotten), so the staff who asked can be told."""
    rows = await conn.execute(
        update(outbox).where(outbox.c.tip_id.in_(tip_ids), outbox.c.relay_link.is_not(None))
        .values(relay_link=None, status=FAILED, last_error="follow-up ended", failure=failure)
        .returning(outbox.c.id, outbox.c.payload, outbox.c.attempts, outbox.c.tip_id,
                   outbox.c.thread_entry_id, outbox.c.parts_sent))
    return sorted((OutboxRow(r.id, None, None, json.loads(r.payload), r.attempts, r.tip_id,
                             r.thread_entry_id, r.parts_sent) for r in rows),
                  key=lambda row: row.id)


async def undelivered_to_tipster(conn: AsyncConnection, tip_id: int) -> list[UndeliveredNotice]:
    """Notices to the tipster of ``tip_id`` that failed, but questions (the thread shows those)."""
    rows = await conn.execute(
        select(outbox.c.created_at, outbox.c.payload, outbox.c.failure)
        .where(outbox.c.tip_id == tip_id, outbox.c.address.is_(None),
               outbox.c.status == FAILED, outbox.c.thread_entry_id.is_(None))
        .order_by(outbox.c.id))
    return [UndeliveredNotice(r.created_at, json.loads(r.payload).get("about"),
                              r.failure or "failed") for r in rows]


async def retry_later(conn: AsyncConnection, row_id: int, not_before: datetime,
                      reason: str, *, counts_as_attempt: bool = True) -> None:
    await conn.execute(_RETRY_LATER if counts_as_attempt else _RETRY_LATER_NOT_COUNTED, {
        "id": row_id, "not_before": not_before, "reason": reason[:ERROR_KEPT]})


async def requeue_interrupted(conn: AsyncConnection) -> int:
    result = await conn.execute(update(outbox).where(outbox.c.status == SENDING)
                                .values(status=PENDING))
    return result.rowcount


async def statuses(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(select(outbox.c.status))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts
