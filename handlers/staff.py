"""``/staff add ID ROLE UNIT`` · ``remove ID`` · ``list``: admins manage staff in chat.

The decisions are ``org.staff_commands``'s; this adapter passes the words, draws the answer and
republishes the command menu of a person whose role changed.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.menu import publish_staff_menu
from org.staff_commands import StaffCommand


@guard("staff")
async def manage_staff(update: Update, context: BotContext) -> None:
    services = context.services
    command = StaffCommand(services.directory, context.tr, context.staff.address)
    result = await command.run(context.args or [], services.clock.now())
    await update.effective_message.reply_text(result.answer.text)
    if result.role_changed_for is not None:
        await publish_staff_menu(context.bot, services, int(result.role_changed_for.id))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["staff", "canbo"], manage_staff)]
