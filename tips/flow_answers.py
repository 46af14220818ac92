"""The answers of the tip flow: its questions with their choices (unit, category, send or
cancel; SPEC §3) as plain rows, and its refusals.

Each action is a short string the flow reads back (``tips.conversation``): ``u:<UNIT>`` choose
this unit, ``n:<UNIT>`` show the units under it, ``c:<KEY>`` choose a category, ``cu`` change the
unit, ``s`` send, ``x`` cancel. A channel puts the action in its button, or numbers the choices.
"""

from __future__ import annotations

import math
from datetime import datetime

from core.answers import Answer, Choice, Shown
from tips.context import TipsContext
from tips.intake import Draft, Step
from tips.limits import Refusal, Refused
from tips.notices import local_time

_REFUSALS = {Refusal.BLOCKED: "tip.blocked", Refusal.HOURLY_LIMIT: "tip.hourly_limit",
             Refusal.DAILY_LIMIT: "tip.daily_limit"}
UNITS_SHOWN = 48  # a long list is a wall of buttons; deeper units are reached by moving down
CHOOSE, OPEN, CATEGORY, CHANGE_UNIT, SEND, CANCEL = "u", "n", "c", "cu", "s", "x"


def unit_choices(ctx: TipsContext, parent_code: str | None) -> tuple[tuple[Choice, ...], ...]:
    """The units at one level of the tree: a unit with units under it opens them; with one root
    the list starts under it; "this unit" chooses the level's own unit."""
    tr, tree = ctx.tr, ctx.directory.tree
    roots = tree.roots()
    if parent_code is None and len(roots) == 1:
        parent_code = roots[0].code
    rows: list[tuple[Choice, ...]] = []
    units = tree.children(parent_code) if parent_code else roots
    parent = tree.find(parent_code) if parent_code else None
    if parent_code:
        name = parent.name if parent else parent_code
        rows.append((Choice(tr("tip.this_unit", unit=name), f"{CHOOSE}:{parent_code}"),))
    for unit in units[:UNITS_SHOWN]:
        action = OPEN if tree.children(unit.code) else CHOOSE
        rows.append((Choice(unit.name, f"{action}:{unit.code}"),))
    if parent is not None and parent.parent_code:
        rows.append((Choice(tr("tip.back"), f"{OPEN}:{parent.parent_code}"),))
    rows.append((Choice(tr("tip.cancel"), CANCEL),))
    return tuple(rows)


def category_choices(ctx: TipsContext) -> tuple[tuple[Choice, ...], ...]:
    """The deployment's categories two by two, then "change unit" and "cancel"."""
    choices = [Choice(ctx.category_label(key), f"{CATEGORY}:{key}") for key in ctx.category_keys]
    rows = [tuple(choices[i:i + 2]) for i in range(0, len(choices), 2)]
    rows.append((Choice(ctx.tr("tip.change_unit"), CHANGE_UNIT),
                 Choice(ctx.tr("tip.cancel"), CANCEL)))
    return tuple(rows)


def send_choices(ctx: TipsContext) -> tuple[tuple[Choice, ...], ...]:
    return ((Choice(ctx.tr("tip.send"), SEND), Choice(ctx.tr("tip.cancel"), CANCEL)),)


def step_answer(ctx: TipsContext, draft: Draft) -> Answer:
    """Ask for whatever the draft needs next."""
    tr, tree = ctx.tr, ctx.directory.tree
    if draft.step in (Step.UNIT, Step.UNIT_THEN_SUBMIT):
        return Answer(tr("tip.choose_unit"), unit_choices(ctx, None))
    if draft.step is Step.CATEGORY:
        unit = tree.find(draft.unit_code or "")
        return Answer(tr("tip.choose_category", unit=unit.name if unit else draft.unit_code),
                      category_choices(ctx))
    label = ctx.category_label(draft.category or "other")
    return Answer(tr("tip.collect", category=label), send_choices(ctx))


def expired_answer(ctx: TipsContext) -> Answer:
    """A choice that belongs to no flow any more (or was made outside a private chat)."""
    return Answer(ctx.tr("tip.flow_expired"), shown=Shown.ALERT)


def refusal_answer(ctx: TipsContext, refused: Refused) -> Answer:
    """Politely, at once: when they may send again (a block's end is never told), and that a
    draft they were writing waits for then."""
    key = _REFUSALS[refused.refusal]
    if refused.until is None:
        return Answer(ctx.tr(key))
    text = ctx.tr(key + "_until", time=minute_after(ctx, refused.until))
    if refused.draft_kept:
        text += "\n" + ctx.tr("tip.draft_kept")
    return Answer(text)


def minute_after(ctx: TipsContext, moment: datetime) -> str:
    """The first whole minute after ``moment`` (a limit lets the next tip in just after it):
    never a minute too early."""
    minute = (math.floor(moment.timestamp() / 60) + 1) * 60
    return local_time(datetime.fromtimestamp(minute, moment.tzinfo), ctx.tz)
