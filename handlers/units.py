"""``/unit add CODE "NAME" PARENT`` · ``rename CODE "NAME"`` · ``move CODE PARENT`` · ``list``
(``/donvi``): admins grow the unit tree in chat (SPEC §2, §7).

Admins only, in the private chat. A unit added here is checked by the same rules as one in
config.toml (``org.units``), works at once everywhere (``/register``, the tip flow, ``/stats``,
schedules) and stays after a restart. Units declared in config.toml are changed only in the file:
renaming or moving one is refused with that reason. Names may be quoted with ``"…"`` or with the
curly quotes phones type (``“…”``), or not quoted at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import BaseHandler, CommandHandler

from handlers.bot_context import BotContext
from handlers.commands import guard
from org.directory import UnitChangeResult
from org.units import UNIT_NAME_LIMIT, UnitTree, clean_unit_name
from tips.visible_text import for_staff

MAX_ECHO = 40  # characters of a mistyped code repeated back
INDENT = "    "  # per level of the tree in /unit list
_QUOTES = "\"“”„«»"
_WORD = re.compile(rf"[{_QUOTES}]([^{_QUOTES}]*)[{_QUOTES}]|([^\s{_QUOTES}]+)")


@dataclass(frozen=True)
class UnitCommand:
    action: str  # add | rename | move | list
    code: str = ""
    name: str = ""
    parent: str = ""


def read_unit_command(text: str) -> UnitCommand | None:
    """The arguments after ``/unit`` (None: not a valid form; the usage is shown). A name is
    one quoted part, or the words where the name goes."""
    if sum(text.count(quote) for quote in _QUOTES) % 2:
        return None  # a quote left open: better to ask again than to guess where the name ends
    words = [quoted if quoted is not None else bare
             for quoted, bare in (m.groups() for m in _WORD.finditer(text))]
    action = words[0].lower() if words else ""
    if action == "list" and len(words) == 1:
        return UnitCommand("list")
    if action == "add" and len(words) >= 4:
        return UnitCommand("add", words[1], " ".join(words[2:-1]), words[-1])
    if action == "rename" and len(words) >= 3:
        return UnitCommand("rename", words[1], " ".join(words[2:]))
    if action == "move" and len(words) == 3:
        return UnitCommand("move", words[1], parent=words[2])
    return None


def _arguments(update: Update) -> str:
    parts = (update.effective_message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


def _echo(text: str) -> str:
    shown = for_staff(text)
    return shown if len(shown) <= MAX_ECHO else shown[:MAX_ECHO] + "…"


@guard("unit")
async def manage_units(update: Update, context: BotContext) -> None:
    command = read_unit_command(_arguments(update))
    if command is None:
        await update.effective_message.reply_text(context.tr("unit.usage"))
    elif command.action == "list":
        await list_units(update, context)
    elif command.action == "add":
        await add_unit(update, context, command)
    elif command.action == "rename":
        await rename_unit(update, context, command)
    else:
        await move_unit(update, context, command)


async def add_unit(update: Update, context: BotContext, command: UnitCommand) -> None:
    services = context.services
    result = await services.directory.add_unit(context.staff.address, command.code,
                                               command.name, command.parent,
                                               services.clock.now())
    if result.refusal is not None:
        await refuse_change(update, context, command, result)
        return
    unit, tree = result.unit, services.directory.tree
    parent = tree.find(unit.parent_code or "")
    await update.effective_message.reply_text(context.tr(
        "unit.added", code=unit.code, name=unit.name, parent=parent.code,
        parent_name=parent.name))


async def rename_unit(update: Update, context: BotContext, command: UnitCommand) -> None:
    services = context.services
    result = await services.directory.rename_unit(context.staff.address, command.code,
                                                  command.name, services.clock.now())
    if result.refusal is not None:
        await refuse_change(update, context, command, result)
        return
    await update.effective_message.reply_text(context.tr(
        "unit.renamed", code=result.unit.code, old=result.previous.name, name=result.unit.name))


async def move_unit(update: Update, context: BotContext, command: UnitCommand) -> None:
    services = context.services
    result = await services.directory.move_unit(context.staff.address, command.code,
                                                command.parent, services.clock.now())
    if result.refusal is not None:
        await refuse_change(update, context, command, result)
        return
    unit = result.unit
    parent = services.directory.tree.find(unit.parent_code or "")
    await update.effective_message.reply_text(context.tr(
        "unit.moved", code=unit.code, name=unit.name, old=result.previous.parent_code or "—",
        parent=parent.code, parent_name=parent.name))


async def refuse_change(update: Update, context: BotContext, command: UnitCommand,
                        result: UnitChangeResult) -> None:
    """One line saying why, naming what was typed (cut short) or the unit that is in the way."""
    tree = context.services.directory.tree
    found, parent = result.unit, tree.find(command.parent)
    await update.effective_message.reply_text(context.tr(
        "unit.refused." + result.refusal.value,
        code=found.code if found else _echo(command.code),
        name=found.name if found else "",
        parent=parent.code if parent else _echo(command.parent),
        limit=UNIT_NAME_LIMIT, length=len(clean_unit_name(command.name))))


async def list_units(update: Update, context: BotContext) -> None:
    """The whole tree, a unit's children indented under it, each marked config or chat; cut
    into messages at Telegram's length limit, between lines."""
    tr, tree = context.tr, context.services.directory.tree
    lines = [tr("unit.list_header", count=len(tree))]
    lines.extend(_tree_lines(tree, context))
    page: list[str] = []
    for line in lines:
        if page and len("\n".join([*page, line])) > MessageLimit.MAX_TEXT_LENGTH:
            await update.effective_message.reply_text("\n".join(page))
            page = []
        page.append(line)
    await update.effective_message.reply_text("\n".join(page))


def _tree_lines(tree: UnitTree, context: BotContext) -> list[str]:
    tr = context.tr
    marks = {True: tr("unit.from_config"), False: tr("unit.from_chat")}
    lines: list[str] = []
    pending = [(root, 0) for root in reversed(tree.roots())]
    while pending:
        unit, depth = pending.pop()
        lines.append(tr("unit.list_line", indent=INDENT * depth, code=unit.code, name=unit.name,
                        source=marks[unit.from_config]))
        pending.extend((child, depth + 1) for child in reversed(tree.children(unit.code)))
    return lines


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["unit", "donvi"], manage_units)]
