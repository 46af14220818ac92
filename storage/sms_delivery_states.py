"""What the gateway phone later says of SMS copies already ``sent`` (SPEC §12, §13): the SMS
bulletin copies whose fate on the phone is still open, and the phone's failure recorded on them.

A copy's row is ``sent`` once the gateway accepted it under the row's id (``delivery-<id>``).
The phone then reports ``Failed`` or ``Delivered`` minutes later. A failure is recorded in the
row's ``last_error`` (which ``sent`` rows otherwise never carry) and the row stays ``sent``:
``sent`` says the request went and is billed, the delivery statistics already counted it, and
a row never leaves ``sent`` or ``failed`` (``storage.stats_rollup`` relies on it). So "sent with
an error" reads "the phone says it did not arrive" wherever rows are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.deliveries import SENT
from storage.schema import deliveries, dispatches, groups
from storage.sms_subscribers import SMS_RECIPIENT


@dataclass(frozen=True)
class SentSms:
    delivery_id: int
    sent_at: datetime


async def sent_sms_unsettled(conn: AsyncConnection, since: datetime,
                             limit: int = 500) -> list[SentSms]:
    """SMS copies sent since ``since`` with no failure recorded, oldest first."""
    rows = await conn.execute(
        select(deliveries.c.id, deliveries.c.sent_at)
        .select_from(deliveries.join(groups, groups.c.id == deliveries.c.group_id))
        .where(groups.c.status == SMS_RECIPIENT, deliveries.c.status == SENT,
               deliveries.c.last_error.is_(None), deliveries.c.sent_at >= since)
        .order_by(deliveries.c.id).limit(limit))
    return [SentSms(row.id, row.sent_at) for row in rows]


@dataclass(frozen=True)
class PhoneFailure:
    """A sent copy the phone reported failed: which bulletin, and who sent it (None: a
    schedule slot)."""

    delivery_id: int
    bulletin_id: int
    requested_by: Address | None


async def record_phone_failure(conn: AsyncConnection, delivery_id: int, reason: str,
                               now: datetime) -> PhoneFailure | None:
    """The phone reports the SMS of this sent copy failed: said on the row, which stays sent.
    None when it was recorded before (or the row is not a sent one)."""
    result = await conn.execute(
        update(deliveries).where(deliveries.c.id == delivery_id, deliveries.c.status == SENT,
                                 deliveries.c.last_error.is_(None))
        .values(last_error=reason[:500], updated_at=now))
    if result.rowcount == 0:
        return None
    row = (await conn.execute(
        select(deliveries.c.bulletin_id, dispatches.c.requested_by)
        .select_from(deliveries.join(dispatches, dispatches.c.id == deliveries.c.dispatch_id))
        .where(deliveries.c.id == delivery_id))).one()
    return PhoneFailure(delivery_id, row.bulletin_id, row.requested_by)
