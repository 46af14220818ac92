"""``/unit add CODE "NAME" PARENT`` · ``rename CODE "NAME"`` · ``move CODE PARENT`` · ``list``
(``/donvi``): admins grow the unit tree in chat (SPEC §2, §7).

Admins only, in the private chat. A unit added here is checked by the same rules as one in
config.toml (``org.units``), works at once everywhere (``/register``, the tip flow, ``/stats``,
schedules) and stays after a restart. Units declared in config.toml are changed only in the file.
What the words ask and what is answered is ``org.unit_commands``'s; this adapter passes the text
after the command and draws the answer, cut into messages at Telegram's length limit, between
lines.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import MessageLimit
from telegram.ext import BaseHandler, CommandHandler

from handlers.bot_context import BotContext
from handlers.commands import guard
from org.unit_commands import UnitCommand, UnitCommands, read_unit_command

__all__ = ["UnitCommand", "handlers", "manage_units", "read_unit_command"]


def _arguments(update: Update) -> str:
    parts = (update.effective_message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


@guard("unit")
async def manage_units(update: Update, context: BotContext) -> None:
    services = context.services
    commands = UnitCommands(services.directory, context.tr, context.staff.address)
    answer = await commands.run(_arguments(update), services.clock.now())
    page: list[str] = []
    for line in answer.text.split("\n"):
        if page and len("\n".join([*page, line])) > MessageLimit.MAX_TEXT_LENGTH:
            await update.effective_message.reply_text("\n".join(page))
            page = []
        page.append(line)
    await update.effective_message.reply_text("\n".join(page))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["unit", "donvi"], manage_units)]
