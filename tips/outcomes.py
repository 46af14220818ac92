"""``/outcome CODE|UNIT kind=n … [note]``: counted results, against a tip or a unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from storage.audit import record_action
from storage.outcomes import record_outcomes
from tips.codes import parse_code
from tips.context import TipsContext
from tips.triage import tip_for_staff

_QUANTITY = re.compile(r"^([a-z0-9_]{1,32})=(\d{1,6})$")


class Recorded(StrEnum):
    RECORDED = "recorded"
    NO_QUANTITIES = "no_quantities"
    UNKNOWN_KIND = "unknown_kind"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class OutcomeResult:
    recorded: Recorded
    target: str = ""
    quantities: dict[str, int] = field(default_factory=dict)
    unknown: str = ""


def parse_quantities(words: list[str], kinds: tuple[str, ...]) -> tuple[dict[str, int], str,
                                                                        str | None]:
    """(quantities, note, first unknown kind). Quantities lead; the rest is the note."""
    quantities: dict[str, int] = {}
    rest = list(words)
    while rest:
        match = _QUANTITY.match(rest[0].lower())
        if not match:
            break
        kind, number = match.group(1), int(match.group(2))
        if kind not in kinds:
            return quantities, "", kind
        quantities[kind] = quantities.get(kind, 0) + number
        rest.pop(0)
    return {k: v for k, v in quantities.items() if v > 0}, " ".join(rest), None


async def record(ctx: TipsContext, member: StaffMember, target: str,
                 words: list[str]) -> OutcomeResult:
    kinds = tuple(k.key for k in ctx.outcome_kinds)
    quantities, note, unknown = parse_quantities(words, kinds)
    if unknown is not None:
        return OutcomeResult(Recorded.UNKNOWN_KIND, unknown=unknown)
    if not quantities:
        return OutcomeResult(Recorded.NO_QUANTITIES)
    tip = await tip_for_staff(ctx, member, target, Role.OFFICER) if parse_code(target) else None
    unit = ctx.directory.tree.find(target) if tip is None else ctx.directory.tree.find(
        tip.unit_code)
    if unit is None or not may_act_on_unit(member, unit.code, ctx.directory.tree, Role.OFFICER):
        return OutcomeResult(Recorded.NOT_FOUND)
    now = ctx.clock.now()
    subject = f"tip:{tip.code}" if tip else f"unit:{unit.code}"
    async with ctx.db.transaction() as conn:
        await record_outcomes(conn, unit_code=unit.code, tip_id=tip.id if tip else None,
                              quantities=quantities, note=note[:1000],
                              recorded_by=member.telegram_id, now=now)
        await record_action(conn, at=now, actor=member.telegram_id, action="tip.outcome"
                            if tip else "unit.outcome", subject=subject,
                            detail=" ".join(f"{k}={v}" for k, v in quantities.items()))
    return OutcomeResult(Recorded.RECORDED, tip.code if tip else unit.code, quantities)
