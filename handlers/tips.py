"""The resident side of a tip in Telegram: ``/tip``, deep links, the flow's buttons, its parts.

Thin on purpose: the flow itself (its steps, their order, limits, receipt then staff notices) is
``tips.conversation``; this module turns an update into one of its calls and draws the answer
(``handlers.answer_drawing``). The sender's Telegram id is turned into a pseudonym and a sealed
relay address right here, at the edge; nothing past this module sees it, and nothing here logs it.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from channels.telegram_addresses import address_of_chat
from handlers.answer_drawing import MessageReply, PressReply
from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.private_chat import redirect_tip_from_group
from handlers.tip_content import content_of
from tips.context import TipsContext
from tips.conversation import TipConversation, Tipster
from tips.tip_parts import Part
from tips.visible_text import has_visible_text

CALLBACK = "ti"  # the prefix of the flow's buttons: routes their presses here


def tips_of(context: BotContext) -> TipsContext:
    return context.services.tips


def conversation_of(context: BotContext) -> TipConversation:
    return TipConversation(tips_of(context))


def sender_of(update: Update, context: BotContext) -> str:
    return tips_of(context).anonymizer.pseudonym_for(update.effective_user.id)


def tipster_of(update: Update, context: BotContext) -> Tipster:
    anonymizer = tips_of(context).anonymizer
    user_id = update.effective_user.id
    # The user's id is their private chat's id: a press in a group must not seal the group.
    return Tipster(sender_of(update, context),
                   lambda: anonymizer.seal_address(address_of_chat(user_id)))


def reply_to(update: Update) -> MessageReply:
    return MessageReply(update.effective_message, CALLBACK)


@guard("tip")
async def tip_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    text = message.text.partition(" ")[2].strip() if message.text else ""
    if update.effective_chat.type != ChatType.PRIVATE:
        await redirect_tip_from_group(message, context, carries_words=has_visible_text(text))
        return
    await conversation_of(context).tip_command(tipster_of(update, context), text,
                                               reply_to(update))


async def start_from_payload(update: Update, context: BotContext, payload: str) -> None:
    """``/start tip``, ``tip_<UNIT>``, ``tip-b<BULLETIN>``: the flow with what the link knows."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await redirect_tip_from_group(update.effective_message, context, carries_words=False)
        return
    await conversation_of(context).start_from_link(tipster_of(update, context), payload,
                                                   reply_to(update))


async def flow_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    conversation = conversation_of(context)
    if query.message is None or query.message.chat.type != ChatType.PRIVATE:
        await query.answer(conversation.expired().text, show_alert=True)
        return
    reply = PressReply(query, query.message, CALLBACK)
    action = (query.data or "").removeprefix(f"{CALLBACK}:")
    await conversation.choose(tipster_of(update, context), action, reply)
    await reply.finish()


async def cancel_tip(update: Update, context: BotContext) -> None:
    """``/cancel`` in a private chat."""
    await conversation_of(context).cancel(tipster_of(update, context), reply_to(update))


async def collect_content(update: Update, context: BotContext) -> None:
    """Any private message outside a command: part of the tip being written, if there is one."""
    message = update.effective_message

    async def read_part() -> Part:
        return await content_of(message, context)

    # Only a file (a document, an audio file) is downloaded to be read; anything else is read
    # from the update itself, so the draft can be read and written in one go.
    free = message.document is None and message.audio is None
    await conversation_of(context).add_part(tipster_of(update, context), read_part,
                                            reply_to(update), read_first=free)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["tip", "baotin"], tip_command),
        CallbackQueryHandler(flow_button, pattern=rf"^{CALLBACK}:"),
    ]


def content_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Registered after every command handler: they take what commands did not."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND
    return [MessageHandler(private & ~filters.StatusUpdate.ALL, collect_content)]
