"""In a group, what belongs in the private chat is pointed there (SPEC §3, §12).

A tip is filed only in a private chat: ``/tip`` in a group gets a button that opens it, and the
bot deletes the ``/tip …`` message where it has the right to. Where it has not (it is no group
admin, so Telegram refuses ``deleteMessage``), the words stay in front of the whole group, and
the sender must be told, without exposing them further: privately if the bot may write to them,
else under their own message, which everyone sees anyway. ``/start`` and ``/cancel`` in a group
get the same kind of button: the flows they are about happen in the private chat only.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from handlers.bot_context import BotContext

log = logging.getLogger(__name__)

WELCOME_PAYLOAD = "welcome"  # /start with a payload that starts no tip: the welcome


def deep_link(context: BotContext, payload: str) -> str:
    return f"https://t.me/{context.services.bot_username}?start={payload}"


def private_chat_button(context: BotContext, label_key: str,
                        payload: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(context.tr(label_key),
                                                       url=deep_link(context, payload))]])


async def point_to_private_chat(message: Message, context: BotContext, text_key: str) -> None:
    """One line and a button that opens the private chat with the bot."""
    await message.reply_text(context.tr(text_key),
                             reply_markup=private_chat_button(context, "private_chat.button",
                                                              WELCOME_PAYLOAD))


async def redirect_tip_from_group(message: Message, context: BotContext, *,
                                  carries_words: bool) -> None:
    """``/tip`` in a group: the group message goes first if it may, then a button to the
    private chat; ``carries_words``: the message held a tip's words, which must not stay."""
    deleted = False
    with contextlib.suppress(TelegramError):
        deleted = await message.delete()
    # Not a reply: a deleted message has nothing to answer, and a reply would point at the sender.
    await context.bot.send_message(
        message.chat_id, context.tr("tip.group_redirect"),
        reply_markup=private_chat_button(context, "tip.group_button", "tip"))
    if carries_words and not deleted:
        await warn_still_visible(message, context)


async def warn_still_visible(message: Message, context: BotContext) -> None:
    """The bot could not delete a tip written in a group: the sender learns it and how to delete
    it themselves, in private if the bot may write to them (a bot cannot write first)."""
    sender = message.from_user
    if sender is not None and not sender.is_bot:
        try:
            await context.bot.send_message(
                sender.id, context.tr("tip.group_still_visible_private",
                                      group=message.chat.title or ""))
            return
        except TelegramError as error:
            # Only the kind: the error's text could name the chat.
            log.info("a tip left in a group could not be pointed out privately (%s)",
                     type(error).__name__)
    await message.reply_text(context.tr("tip.group_still_visible"))
