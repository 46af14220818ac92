"""Roles and places enforced for Telegram: the decorator every guarded handler wears.

The rule is ``org.permissions.refusal``; this module only finds out who is speaking and where,
asks it, and draws a refusal: one line naming the role or place it needs, changing nothing and
saying nothing about tips, counts or groups (SPEC §12).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType

from channels.telegram_addresses import address_of_chat
from handlers.bot_context import BotContext
from org.permissions import Permission, Place, refusal
from org.roles import Role

Callback = Callable[[Update, BotContext], Awaitable[None]]


def chat_place(update: Update) -> Place:
    chat = update.effective_chat
    if chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return Place.GROUP
    return Place.PRIVATE


def identify(update: Update, context: BotContext) -> None:
    """Attach the speaker's staff record (or None for a resident) to the context."""
    user = update.effective_user
    context.staff = context.services.directory.staff_member(
        address_of_chat(user.id) if user else None)


async def refuse(update: Update, text: str) -> None:
    """One line: as an answer to the button pressed, or as a reply to the message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def requires(role: Role | None = None, *, place: Place = Place.ANY) -> Callable[[Callback],
                                                                                   Callback]:
    """Run the handler only for someone holding ``role`` (or above), in ``place``."""
    permission = Permission(role, place)

    def decorate(callback: Callback) -> Callback:
        @functools.wraps(callback)
        async def guarded(update: Update, context: BotContext) -> None:
            identify(update, context)
            held = context.staff.role if context.staff else None
            refused = refusal(permission, held, chat_place(update))
            if refused is not None:
                await refuse(update, context.tr(refused))
                return
            await callback(update, context)

        # Read by the test that holds every handler to the command table (org.permissions).
        guarded.required_role = role  # type: ignore[attr-defined]
        guarded.required_place = place  # type: ignore[attr-defined]
        return guarded

    return decorate
