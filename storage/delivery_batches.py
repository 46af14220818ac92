"""Delivery rows claimed, and their answers written, a batch at a time (paid broadcasts:
``broadcasts.paid_lane``). The same states and rules as row by row (``storage.deliveries``):
``sending`` is committed before any request of the batch (SPEC §12).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage import delivery_rollup
from storage.deliveries import PENDING, SENDING, SENT, DeliveryJob, mark_uncertain
from storage.leader_lock import leader_fence
from storage.schema import deliveries, groups


async def claim_batch(conn: AsyncConnection, delivery_ids: Collection[int], *,
                      channel: str, now: datetime,
                      held: Callable[[Address, int], bool] = lambda address, already: False,
                      ) -> tuple[list[DeliveryJob], list[int]]:
    """Many rows pending -> sending at once, those whose group is on ``channel`` and not
    ``held`` (asked with the number of the group's rows this claim took before: a batch's own
    copies count against the group's minute too): the claimed jobs, and the ids left pending
    (another channel, or a group ``held``: to be sent one by one). Rows no longer pending are
    in neither. Like :func:`claim_for_sending`, nothing is claimed by a leader that lost its
    lock; the caller commits before any request (SPEC §12)."""
    if not delivery_ids:
        return [], []
    rows = (await conn.execute(
        select(deliveries.c.id, deliveries.c.bulletin_id, deliveries.c.group_id,
               groups.c.address, deliveries.c.dispatch_id, deliveries.c.attempts)
        .select_from(deliveries.join(groups, deliveries.c.group_id == groups.c.id))
        .where(deliveries.c.id.in_(list(delivery_ids)), deliveries.c.status == PENDING)
        .order_by(deliveries.c.id))).all()
    mine = []
    per_group: Counter[Address] = Counter()
    for r in rows:
        if r.address.channel == channel and not held(r.address, per_group[r.address]):
            per_group[r.address] += 1
            mine.append(r)
    taken = {r.id for r in mine}
    others = [r.id for r in rows if r.id not in taken]
    if not mine:
        return [], others
    claimed = set((await conn.execute(
        update(deliveries)
        .where(deliveries.c.id.in_([r.id for r in mine]), deliveries.c.status == PENDING,
               *leader_fence())
        .values(status=SENDING, silent=False, attempts=deliveries.c.attempts + 1,
                updated_at=now)
        .returning(deliveries.c.id))).scalars())
    jobs = [DeliveryJob(r.id, r.bulletin_id, r.group_id, r.address, r.dispatch_id, SENDING,
                        r.attempts + 1) for r in mine if r.id in claimed]
    return jobs, others


async def mark_sent_batch(conn: AsyncConnection, sent: Sequence[tuple[int, int]],
                          now: datetime) -> None:
    """Many (delivery id, message id) sending -> sent, with their running totals. The rows are
    the caller's, claimed by :func:`claim_batch` (nothing else moves a row out of sending)."""
    if not sent:
        return
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == bindparam("row_id"), deliveries.c.status == SENDING)
        .values(status=SENT, message_id=bindparam("row_message_id"), last_error=None,
                sent_at=now, updated_at=now),
        [{"row_id": d, "row_message_id": m} for d, m in sent])
    await delivery_rollup.deliveries_sent(conn, [d for d, _ in sent], now)


async def record_batch_answers(conn: AsyncConnection, sent: Sequence[tuple[int, int]],
                               lost: Sequence[tuple[int, str]], now: datetime) -> None:
    """A batch's answers in one transaction: (id, message id) delivered, (id, reason) whose
    answer never came (uncertain)."""
    await mark_sent_batch(conn, sent, now)
    for delivery_id, reason in lost:
        await mark_uncertain(conn, delivery_id, reason, now)
