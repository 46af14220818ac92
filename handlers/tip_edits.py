"""Edited messages in a private chat: never a silent change (SPEC §11, §12).

An edit is never run as a new command (editing "/tip text" must not file it twice). What it
does is decided by ``tips.conversation.TipConversation.edited``: an edit of a part of the tip
being written replaces that part (the draft keeps each part's message id for this, only while
it is a draft); any other edit is answered with how to add information. A live location sends an
edit every few seconds: it moves the draft's location quietly, and nobody is flooded with answers.
"""

from __future__ import annotations

from telegram import Message, Update

from handlers.answer_drawing import MessageReply
from handlers.bot_context import BotContext
from handlers.tip_content import content_of
from handlers.tips import CALLBACK, conversation_of, tipster_of
from tips.tip_parts import Part


def _is_live_location(message: Message) -> bool:
    # Read from the dict: the attribute warns of its coming change of type (PTB 22.2).
    return message.location is not None and "live_period" in message.location.to_dict()


async def answer_private_edit(update: Update, context: BotContext) -> None:
    message = update.edited_message
    if message is None or update.effective_user is None:
        return

    async def read_part() -> Part:
        return await content_of(message, context)

    await conversation_of(context).edited(
        tipster_of(update, context), message.message_id, live=_is_live_location(message),
        read_part=read_part, reply=MessageReply(message, CALLBACK))
