"""Edited messages in a private chat: never a silent change (SPEC §11, §12).

An edit is never run as a new command (editing "/tip text" must not file it twice). What it
does instead:
* an edit of a message that is a part of the tip being written replaces that part, and the
  tipster is told; the draft keeps each part's message id in their private chat for this, and
  only while it is a draft (it is not filed with the tip);
* any other edit cannot reach the police any more: the sender is told how to add information,
  ``/reply CODE …`` with the code of their latest tip when they have one (found by pseudonym,
  the "is this your own tip" use of it: nothing more is stored to tell which tip a message went
  into).
A live location sends an edit every few seconds: it moves the draft's location quietly and is
otherwise ignored, so nobody is flooded with answers.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, Update

from handlers.context import BotContext
from handlers.tip_content import content_of
from handlers.tips import intake_of, sender_of
from tips.intake import ItemEdited


def _is_live_location(message: Message) -> bool:
    # Read from the dict: the attribute warns of its coming change of type (PTB 22.2).
    return message.location is not None and "live_period" in message.location.to_dict()


async def answer_private_edit(update: Update, context: BotContext) -> None:
    message = update.edited_message
    if message is None or update.effective_user is None:
        return
    intake = intake_of(context)
    sender = sender_of(update, context)
    draft = await intake.draft_of(sender)
    if draft is not None and any(item.message_id == message.message_id for item in draft.items):
        await replace_part(message, context, sender)
        return
    if _is_live_location(message):
        return
    code = await intake.latest_tip_code(sender)
    if code is not None:
        await message.reply_text(context.tr("tip.edit_after_filing", code=code))
    else:
        await message.reply_text(context.tr("tip.edit_ignored"))


async def replace_part(message: Message, context: BotContext, sender: str) -> None:
    """The message as it now is becomes that part of the draft."""
    live = _is_live_location(message)
    content = await content_of(message, context)
    if content.item is None:
        if not live:
            await message.reply_text(context.tr("tip.edit_not_applied",
                                                problem=context.tr(content.problem
                                                                   or "tip.not_accepted")))
        return
    edited, number = await intake_of(context).replace_item(
        sender, replace(content.item, message_id=message.message_id))
    if live or edited is ItemEdited.NOT_IN_DRAFT:
        return
    key = "tip.edit_replaced" if edited is ItemEdited.REPLACED else "tip.edit_removed"
    await message.reply_text(context.tr(key, number=number))
