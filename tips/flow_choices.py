"""The choices of the tip flow: unit, category, send or cancel (SPEC §3), as plain rows.

Each action is a short string the flow reads back (``tips.conversation``): ``u:<UNIT>`` choose
this unit, ``n:<UNIT>`` show the units under it, ``c:<KEY>`` choose a category, ``cu`` change the
unit, ``s`` send, ``x`` cancel. A channel puts the action in its button, or numbers the choices.
"""

from __future__ import annotations

from core.answers import Choice
from tips.context import TipsContext

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
