"""Composing a bulletin in a private chat (SPEC §5, issue 4), drawn in Telegram.

``/bulletin`` → the content (text, or a photo/video/document with a caption) → a topic → Send now
/ Add to queue / Cancel, with "Choose another unit" to narrow the target and, where SMS is
configured, "Bản SMS" (the officer types the SMS version next). An editor's bulletin
becomes a draft that an officer approves. ``/bulletin some text`` queues it at once.

What happens at each step is ``broadcasts.composer``'s: these handlers turn the update into its
call (the speaker, the content as plain data, the button's action) and draw the answer
(``handlers.bulletin_drawing``). The draft is in the database at every step, so after a restart
the preview's buttons still work: they are also entry points of the conversation.
"""

from __future__ import annotations

import warnings

from telegram import Message, Update
from telegram.constants import MessageLimit
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from broadcasts import callbacks
from broadcasts.bulletins import Content
from broadcasts.composer import BulletinComposer, Composed, Step
from broadcasts.desk import running_desk
from channels.telegram_addresses import address_of_chat
from core.address import Address
from handlers.access import identify
from handlers.bot_context import BotContext
from handlers.bulletin_drawing import draw_composed
from handlers.commands import guard

CONTENT, TOPIC, CONFIRM, SMS_TEXT = range(4)
END = ConversationHandler.END
STATES = {Step.CONTENT: CONTENT, Step.TOPIC: TOPIC, Step.CONFIRM: CONFIRM,
          Step.SMS_TEXT: SMS_TEXT, Step.DONE: END}
PREFIX = callbacks.COMPOSE.removesuffix(":")
NEXT_STATE = "bulletin_next_state"


def composer_of(context: BotContext) -> BulletinComposer:
    # Telegram's caption limit: a longer caption cannot be sent with the file.
    return BulletinComposer(running_desk(context.services.bulletins), context.tr,
                            caption_limit=MessageLimit.CAPTION_LENGTH)


def speaker(update: Update) -> Address:
    return address_of_chat(update.effective_user.id)


async def drawn(update: Update, composed: Composed) -> int:
    await draw_composed(update, composed, PREFIX)
    return STATES[composed.step]


def action_of(update: Update) -> str:
    return (update.callback_query.data or "").removeprefix(callbacks.COMPOSE)


# ---- entry ------------------------------------------------------------------------------
async def begin(update: Update, context: BotContext) -> int:
    # ``guard`` answers refusals; the state comes back through user_data because the
    # decorator (shared by every handler) returns nothing.
    context.user_data.pop(NEXT_STATE, None)
    await _begin(update, context)
    return context.user_data.pop(NEXT_STATE, END)


@guard("bulletin")
async def _begin(update: Update, context: BotContext) -> None:
    parts = (update.effective_message.text or "").split(maxsplit=1)
    composed = await composer_of(context).begin(context.staff,
                                                parts[1] if len(parts) == 2 else None)
    context.user_data[NEXT_STATE] = await drawn(update, composed)


# ---- content and topic ------------------------------------------------------------------
def content_of(message: Message) -> Content | None:
    caption = message.caption or ""
    if message.text is not None:
        return Content(message.text)
    if message.photo:
        return Content(caption, "photo", message.photo[-1].file_id)
    if message.video:
        return Content(caption, "video", message.video.file_id)
    if message.document:
        return Content(caption, "document", message.document.file_id)
    return None


async def receive_content(update: Update, context: BotContext) -> int:
    return await drawn(update, await composer_of(context).receive_content(
        speaker(update), content_of(update.effective_message)))


async def choose_topic(update: Update, context: BotContext) -> int:
    identify(update, context)
    topic = action_of(update).removeprefix("topic:")
    return await drawn(update, await composer_of(context).choose_topic(
        context.staff, speaker(update), topic))


# ---- the preview, the target unit, the final choice -------------------------------------
async def offer_units(update: Update, context: BotContext) -> int:
    identify(update, context)
    return await drawn(update, await composer_of(context).offer_units(context.staff,
                                                                       speaker(update)))


async def choose_unit(update: Update, context: BotContext) -> int:
    identify(update, context)
    code = action_of(update).removeprefix("unit:")
    return await drawn(update, await composer_of(context).choose_unit(
        context.staff, speaker(update), code))


async def finish(update: Update, context: BotContext) -> int:
    identify(update, context)
    return await drawn(update, await composer_of(context).finish(
        context.staff, speaker(update), action_of(update)))


async def ask_sms_version(update: Update, context: BotContext) -> int:
    identify(update, context)
    return await drawn(update, await composer_of(context).ask_sms_version(context.staff,
                                                                           speaker(update)))


async def receive_sms_version(update: Update, context: BotContext) -> int:
    identify(update, context)
    return await drawn(update, await composer_of(context).receive_sms_version(
        context.staff, speaker(update), update.effective_message.text))


async def drop_sms_version(update: Update, context: BotContext) -> int:
    identify(update, context)
    return await drawn(update, await composer_of(context).drop_sms_version(context.staff,
                                                                            speaker(update)))


async def cancel(update: Update, context: BotContext) -> int:
    return await drawn(update, await composer_of(context).cancel(speaker(update)))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    in_private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # PTB warns that buttons are tracked per chat, not per message; one draft per person
        # at a time is exactly what is wanted here.
        warnings.simplefilter("ignore", PTBUserWarning)
        # The preview's buttons are entry points too: after a restart the conversation's state
        # is gone but the draft is in the database, and a press picks it up again.
        buttons = [CallbackQueryHandler(choose_topic, pattern=callbacks.COMPOSE_TOPIC_PATTERN),
                   CallbackQueryHandler(offer_units, pattern=callbacks.COMPOSE_UNITS_PATTERN),
                   CallbackQueryHandler(choose_unit, pattern=callbacks.COMPOSE_UNIT_PATTERN),
                   CallbackQueryHandler(finish, pattern=callbacks.COMPOSE_FINISH_PATTERN),
                   CallbackQueryHandler(ask_sms_version, pattern=callbacks.COMPOSE_SMS_PATTERN),
                   CallbackQueryHandler(drop_sms_version,
                                        pattern=callbacks.COMPOSE_NO_SMS_PATTERN)]
        typed = in_private & ~filters.COMMAND & ~filters.StatusUpdate.ALL
        composer = ConversationHandler(
            entry_points=[CommandHandler(["bulletin", "bantin"], begin), *buttons],
            states={
                CONTENT: [MessageHandler(typed, receive_content)],
                SMS_TEXT: [MessageHandler(typed, receive_sms_version), *buttons[1:]],
                TOPIC: [
                    CallbackQueryHandler(choose_topic, pattern=callbacks.COMPOSE_TOPIC_PATTERN),
                ],
                CONFIRM: buttons[1:],  # every button of the preview and the unit list
            },
            fallbacks=[CommandHandler(["cancel", "huy"], cancel),
                       CallbackQueryHandler(finish, pattern=callbacks.COMPOSE_CANCEL_PATTERN)],
            allow_reentry=True,
        )
    return [composer]
