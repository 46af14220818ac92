"""``/outcome CODE|UNIT kind=n … [note]``: counted results, against a tip or a unit (SPEC §4).

The leading words that hold ``=`` are the quantities, the rest is the note. Each quantity is a
configured kind, once, with a whole number from 1 to ``MAX_QUANTITY``; anything else is refused
with what was wrong, and nothing is recorded: a figure that goes up the chain in a report must be
the one the officer meant. A repeated kind (``cases=1 cases=2``) is refused rather than summed,
since it is as likely a typing slip as an addition.

The target is a tip code or a unit code. A tip that does not exist and a tip outside the
officer's scope get the same answer (a code alone reveals nothing, SPEC §3.6); so do a unit that
does not exist and a unit outside the scope.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from storage.audit import record_action
from storage.outcomes import record_outcomes
from tips.codes import parse_code
from tips.context import TipsContext
from tips.triage import tip_for_staff

# One record is the results of one case or one operation: the reports sent up count tens.
MAX_QUANTITY = 10_000
MAX_NOTE = 1000
_KIND = re.compile(r"[a-z0-9_]{1,32}")
_NUMBER = re.compile(r"[0-9]{1,12}")


class Recorded(StrEnum):
    RECORDED = "recorded"
    NO_QUANTITIES = "no_quantities"  # only a note, or nothing
    NOT_A_QUANTITY = "not_a_quantity"  # "cases:1", "=2": not kind=number
    UNKNOWN_KIND = "unknown_kind"
    REPEATED_KIND = "repeated_kind"
    BAD_NUMBER = "bad_number"  # not a whole number from 1 to MAX_QUANTITY
    TIP_NOT_FOUND = "tip_not_found"  # unknown tip code, or a tip outside the scope
    UNIT_NOT_FOUND = "unit_not_found"  # unknown unit code, or a unit outside the scope


@dataclass(frozen=True)
class OutcomeResult:
    recorded: Recorded
    target: str = ""
    quantities: dict[str, int] = field(default_factory=dict)
    kind: str = ""  # the kind a refusal is about
    word: str = ""  # what was typed, for a refusal


@dataclass(frozen=True)
class Quantities:
    counts: dict[str, int]
    note: str


def read_quantities(words: Sequence[str], kinds: Sequence[str]) -> Quantities | OutcomeResult:
    """The quantities and note of ``words``, or the refusal that says what is wrong."""
    counts: dict[str, int] = {}
    position = 0
    while position < len(words) and "=" in words[position]:
        word = words[position]
        kind_text, _, number_text = word.partition("=")
        kind = kind_text.strip().lower()
        if not _KIND.fullmatch(kind):
            return OutcomeResult(Recorded.NOT_A_QUANTITY, word=word)
        if kind not in kinds:
            return OutcomeResult(Recorded.UNKNOWN_KIND, kind=kind, word=word)
        if kind in counts:
            return OutcomeResult(Recorded.REPEATED_KIND, kind=kind, word=word)
        number = number_text.strip()
        if not _NUMBER.fullmatch(number) or not 1 <= int(number) <= MAX_QUANTITY:
            return OutcomeResult(Recorded.BAD_NUMBER, kind=kind, word=number)
        counts[kind] = int(number)
        position += 1
    if not counts:
        return OutcomeResult(Recorded.NO_QUANTITIES)
    return Quantities(counts, " ".join(words[position:]))


async def record(ctx: TipsContext, member: StaffMember, target: str,
                 words: list[str]) -> OutcomeResult:
    read = read_quantities(words, tuple(k.key for k in ctx.outcome_kinds))
    if isinstance(read, OutcomeResult):
        return read
    tree = ctx.directory.tree
    tip = None
    if parse_code(target) is not None:
        tip = await tip_for_staff(ctx, member, target, Role.OFFICER)
        # Six letters may be a unit's code as well as a tip's ("TANTHA" reads as TIP-TANTHA).
        if tip is None and tree.find(target) is None:
            return OutcomeResult(Recorded.TIP_NOT_FOUND, word=target)
    unit = tree.find(tip.unit_code if tip is not None else target)
    if unit is None or not may_act_on_unit(member, unit.code, tree, Role.OFFICER):
        return OutcomeResult(Recorded.UNIT_NOT_FOUND, word=target)
    now = ctx.clock.now()
    subject = f"tip:{tip.code}" if tip else f"unit:{unit.code}"
    async with ctx.db.transaction() as conn:
        await record_outcomes(conn, unit_code=unit.code, tip_id=tip.id if tip else None,
                              quantities=read.counts, note=read.note[:MAX_NOTE],
                              recorded_by=member.address, now=now)
        await record_action(conn, at=now, actor=member.address, action="tip.outcome"
                            if tip else "unit.outcome", subject=subject,
                            detail=" ".join(f"{k}={v}" for k, v in read.counts.items()))
    return OutcomeResult(Recorded.RECORDED, tip.code if tip else unit.code, read.counts)
