"""Outcome quantities (cases, persons, weapons…) against a tip or directly against a unit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from storage import stats_rollup
from storage.tips_tables import outcomes
from storage.units import unit_id_of


async def record_outcomes(conn: AsyncConnection, *, unit_code: str, tip_id: int | None,
                          quantities: Mapping[str, int], note: str, recorded_by: Address,
                          now: datetime) -> None:
    unit_id = await unit_id_of(conn, unit_code)
    await conn.execute(outcomes.insert(), [
        {"tip_id": tip_id, "unit_id": unit_id, "kind": kind, "quantity": quantity, "note": note,
         "recorded_by": recorded_by, "recorded_at": now}
        for kind, quantity in quantities.items()])
    await stats_rollup.outcomes_recorded(conn, unit_id, now, quantities)
