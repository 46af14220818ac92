"""The buttons of the tip flow in a private chat: unit, category, send or cancel."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.context import BotContext

CALLBACK = "ti"


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{CALLBACK}:{data}")


def unit_keyboard(context: BotContext, parent_code: str | None) -> InlineKeyboardMarkup:
    tree = context.services.tips.directory.tree
    roots = tree.roots()
    if parent_code is None and len(roots) == 1:
        parent_code = roots[0].code
    rows = []
    units = tree.children(parent_code) if parent_code else roots
    if parent_code:
        rows.append([_button(context.tr("tip.this_unit", unit=tree.find(parent_code).name),
                             f"u:{parent_code}")])
    for unit in units[:48]:
        action = "n" if tree.children(unit.code) else "u"
        rows.append([_button(unit.name, f"{action}:{unit.code}")])
    parent = tree.find(parent_code) if parent_code else None
    if parent is not None and parent.parent_code:
        rows.append([_button(context.tr("tip.back"), f"n:{parent.parent_code}")])
    rows.append([_button(context.tr("tip.cancel"), "x")])
    return InlineKeyboardMarkup(rows)


def category_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    ctx = context.services.tips
    buttons = [_button(ctx.category_label(key), f"c:{key}") for key in ctx.category_keys]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(context.tr("tip.change_unit"), "cu"), _button(context.tr("tip.cancel"),
                                                                       "x")])
    return InlineKeyboardMarkup(rows)


def send_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(context.tr("tip.send"), "s"),
                                  _button(context.tr("tip.cancel"), "x")]])
