"""SMS subscribers: a sealed number, its keyed hash, the unit whose bulletins it receives.

Nothing here sees a number in clear: the caller seals it and computes the hash
(``broadcasts.sms_subscribers``); this module only stores and finds those values.

Each subscriber also has a row in ``groups`` with the status :data:`SMS_RECIPIENT` and the
address ``sms:<sealed>``: the bulletin queue, its never-twice rule and the delivery rows
(``storage.deliveries``, one per (bulletin, recipient, round)) are keyed by that row, so a
subscriber receives what a group of its unit receives through the same machinery. Its status
keeps it out of everything that counts or lists groups (those ask for ``active``, and
``/groups`` leaves out :data:`RECIPIENT_STATES`). When the number is removed, the row's address
is replaced by ``sms:gone-<id>``: the delivery history stays, the sealed number does not.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage.schema import audit_log, groups, sms_subscribers, units
from storage.units import unit_id_of

SMS_CHANNEL = "sms"
SMS_RECIPIENT = "sms"  # groups.status of a subscriber's recipient row
SMS_STOPPED = "sms_stopped"  # removed or unreachable: receives nothing; listed nowhere
RECIPIENT_STATES = (SMS_RECIPIENT, SMS_STOPPED)
_GONE = "gone-"


@dataclass(frozen=True)
class SubscriberRecord:
    number_sealed: str
    number_hash: str
    unit_code: str
    active: bool
    created_at: datetime


_SELECT = select(
    sms_subscribers.c.number_sealed, sms_subscribers.c.number_hash,
    units.c.code.label("unit_code"), sms_subscribers.c.active, sms_subscribers.c.created_at,
).select_from(sms_subscribers.join(units, sms_subscribers.c.unit_id == units.c.id))


def _record(row) -> SubscriberRecord:  # noqa: ANN001
    return SubscriberRecord(row.number_sealed, row.number_hash, row.unit_code, row.active,
                            row.created_at)


async def find_subscriber(conn: AsyncConnection, number_hash: str) -> SubscriberRecord | None:
    row = (await conn.execute(_SELECT.where(sms_subscribers.c.number_hash == number_hash))
           ).first()
    return _record(row) if row else None


async def subscribe(conn: AsyncConnection, number_hash: str, number_sealed: str,
                    unit_code: str, now: datetime) -> None:
    """The number receives ``unit_code``'s bulletins from now on (active again if it was not)."""
    unit_id = await unit_id_of(conn, unit_code)
    current = await find_subscriber(conn, number_hash)
    changed = await conn.execute(
        update(sms_subscribers).where(sms_subscribers.c.number_hash == number_hash)
        .values(unit_id=unit_id, number_sealed=number_sealed, active=True, updated_at=now))
    if changed.rowcount == 0:
        await conn.execute(sms_subscribers.insert().values(
            number_hash=number_hash, number_sealed=number_sealed, unit_id=unit_id, active=True,
            created_at=now, updated_at=now))
    await _recipient_follows(conn, current.number_sealed if current else None, number_sealed,
                             number_hash, unit_id, now)


async def _recipient_follows(conn: AsyncConnection, old_sealed: str | None, sealed: str,
                             number_hash: str, unit_id: int, now: datetime) -> None:
    """The subscriber's recipient row takes the new sealed address and unit; the same row, so
    what it had already received it is not sent again."""
    values = {"address": Address(SMS_CHANNEL, sealed), "unit_id": unit_id,
              "status": SMS_RECIPIENT, "updated_at": now}
    if old_sealed is not None:
        moved = await conn.execute(update(groups).where(
            groups.c.address == Address(SMS_CHANNEL, old_sealed)).values(**values))
        if moved.rowcount:
            return
    # A label, not the number: staff see it in a dispatch's summary.
    await conn.execute(groups.insert().values(
        title=f"SMS {number_hash[:6]}", created_at=now, **values))


async def _recipient_stops(conn: AsyncConnection, number_hash: str, *, forget: bool,
                           now: datetime) -> None:
    current = await find_subscriber(conn, number_hash)
    if current is None:
        return
    address = Address(SMS_CHANNEL, current.number_sealed)
    group_id = (await conn.execute(select(groups.c.id).where(groups.c.address == address))
                ).scalar()
    if group_id is None:
        return
    values: dict[str, object] = {"status": SMS_STOPPED, "updated_at": now}
    if forget:
        values["address"] = Address(SMS_CHANNEL, f"{_GONE}{group_id}")
    await conn.execute(update(groups).where(groups.c.id == group_id).values(**values))


async def delete_subscriber(conn: AsyncConnection, number_hash: str, now: datetime) -> bool:
    """Forget the number altogether (an unsubscribed number is not kept, even sealed)."""
    await _recipient_stops(conn, number_hash, forget=True, now=now)
    removed = await conn.execute(
        delete(sms_subscribers).where(sms_subscribers.c.number_hash == number_hash))
    return removed.rowcount > 0


async def mark_unreachable(conn: AsyncConnection, number_hash: str, now: datetime) -> bool:
    await _recipient_stops(conn, number_hash, forget=False, now=now)
    changed = await conn.execute(
        update(sms_subscribers).where(sms_subscribers.c.number_hash == number_hash)
        .values(active=False, updated_at=now))
    return changed.rowcount > 0


async def recipient_unreachable(conn: AsyncConnection, address: Address,
                                now: datetime) -> bool:
    """The provider refused the subscriber at ``address`` (``sms:<sealed>``) for good."""
    if address.channel != SMS_CHANNEL:
        return False
    await conn.execute(update(groups).where(groups.c.address == address)
                       .values(status=SMS_STOPPED, updated_at=now))
    changed = await conn.execute(
        update(sms_subscribers).where(sms_subscribers.c.number_sealed == address.id)
        .values(active=False, updated_at=now))
    return changed.rowcount > 0


async def subscribers_of_units(conn: AsyncConnection, unit_codes: Collection[str], *,
                               active_only: bool = False) -> list[SubscriberRecord]:
    keys = [code.upper() for code in unit_codes]
    query = _SELECT.where(units.c.code_key.in_(keys))
    if active_only:
        query = query.where(sms_subscribers.c.active.is_(True))
    rows = await conn.execute(query.order_by(units.c.code, sms_subscribers.c.id))
    return [_record(row) for row in rows]


async def count_by_unit(conn: AsyncConnection) -> dict[str, int]:
    """Active subscribers per unit code (for reports, beside group members)."""
    rows = await conn.execute(
        select(units.c.code, func.count()).select_from(
            sms_subscribers.join(units, sms_subscribers.c.unit_id == units.c.id))
        .where(sms_subscribers.c.active.is_(True)).group_by(units.c.code))
    return {code: count for code, count in rows}


# ---- What SMS cost (SPEC §13: the monthly budget) ------------------------------------------
# Each SMS sent is an audit row ``sms.sent`` whose detail is its cost in VND (and nothing about
# whom it went to): the record the monthly budget is checked against, kept without a table of
# its own. ``sms.budget_reached`` marks the month officers were told it is spent.
SMS_SENT, BUDGET_REACHED = "sms.sent", "sms.budget_reached"


async def record_sms_sent(conn: AsyncConnection, segments: int, cost_vnd: int,
                          now: datetime) -> None:
    await conn.execute(audit_log.insert().values(
        at=now, actor=None, action=SMS_SENT, subject=f"sms:segments={segments}",
        detail=str(cost_vnd)))


async def sms_spent_since(conn: AsyncConnection, since: datetime) -> int:
    rows = await conn.execute(select(audit_log.c.detail).where(
        audit_log.c.action == SMS_SENT, audit_log.c.at >= since))
    return sum(int(row.detail) for row in rows if row.detail.isdigit())


async def claim_budget_notice(conn: AsyncConnection, month: str, now: datetime) -> bool:
    """True the first time for ``month`` (``2026-03``): officers are told once a month."""
    subject = f"month:{month}"
    told = (await conn.execute(select(audit_log.c.id).where(
        audit_log.c.action == BUDGET_REACHED, audit_log.c.subject == subject))).first()
    if told is not None:
        return False
    await conn.execute(audit_log.insert().values(
        at=now, actor=None, action=BUDGET_REACHED, subject=subject, detail=""))
    return True
