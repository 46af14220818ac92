"""Composing a bulletin in a private chat (SPEC §5, issue 4): the conversation and its first steps.

``/bulletin`` → the content (text, or a photo/video/document with a caption) → a topic → Send now
/ Add to queue / Cancel, with "Choose another unit" to narrow the target. An editor's bulletin
becomes a draft that an officer approves. ``/bulletin some text`` queues it at once.

The draft is kept in PTB's per-user data and, at every step, in the database
(``broadcasts.composer_drafts``): after a restart the preview's buttons still work (they are
also entry points of the conversation) and the draft is read back. Nothing is queued or sent
until the officer chooses (``handlers.bulletin_sending``: preview, target unit, the final choice).
"""

from __future__ import annotations

import warnings

from telegram import InlineKeyboardButton, Message, Update
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
from broadcasts.bulletins import TOPICS, Action, Content
from broadcasts.composer_drafts import ComposerDraft
from handlers.bot_context import BotContext
from handlers.bulletin_drafts import desk_of, draft_of, drop_draft, in_rows, keep_draft
from handlers.bulletin_sending import (
    CONFIRM,
    END,
    choose_unit,
    finish,
    offer_units,
    result_text,
    show_preview,
)
from handlers.commands import guard
from tips.visible_text import has_visible_text

CONTENT, TOPIC = range(2)
NEXT_STATE = "bulletin_next_state"


# ---- entry ------------------------------------------------------------------------------
async def begin(update: Update, context: BotContext) -> int:
    # ``requires`` answers refusals; the state comes back through user_data because the
    # decorator (shared by every handler) returns nothing.
    context.user_data.pop(NEXT_STATE, None)
    await _begin(update, context)
    return context.user_data.pop(NEXT_STATE, END)


@guard("bulletin")
async def _begin(update: Update, context: BotContext) -> None:
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1)
    if len(parts) == 2 and not has_visible_text(parts[1]):
        # Only zero-width or control characters: a bulletin that groups would see as blank.
        await message.reply_text("\n".join((context.tr("bulletins.compose.empty"),
                                            context.tr("bulletins.compose.usage"))))
        context.user_data[NEXT_STATE] = END
        return
    if len(parts) == 2:
        await _queue_at_once(message, context, parts[1].strip())
        context.user_data[NEXT_STATE] = END
        return
    await keep_draft(update, context, ComposerDraft(context.staff.unit_code))
    await message.reply_text(context.tr("bulletins.compose.ask_content"))
    context.user_data[NEXT_STATE] = CONTENT


async def _queue_at_once(message: Message, context: BotContext, body: str) -> None:
    member = context.staff
    result = await desk_of(context).submit(member, member.unit_code, "general", Content(body),
                                           Action.QUEUE)
    await message.reply_text(await result_text(context, result.bulletin.id,
                                               result.bulletin.status, member.unit_code, 0))


# ---- content and topic ------------------------------------------------------------------
def _content_of(message: Message) -> Content | None:
    caption = message.caption or ""
    if message.text:
        return Content(message.text)
    if message.photo:
        return Content(caption, "photo", message.photo[-1].file_id)
    if message.video:
        return Content(caption, "video", message.video.file_id)
    if message.document:
        return Content(caption, "document", message.document.file_id)
    return None


async def receive_content(update: Update, context: BotContext) -> int:
    message = update.effective_message
    draft = await draft_of(update, context)
    if draft is None:
        await message.reply_text(context.tr("bulletins.compose.expired"))
        return END
    if message.text is not None and not has_visible_text(message.text):
        await message.reply_text(context.tr("bulletins.compose.invisible_content"))
        return CONTENT
    content = _content_of(message)
    if content is None:
        await message.reply_text(context.tr("bulletins.compose.bad_content"))
        return CONTENT
    if content.media_kind and len(content.body) > MessageLimit.CAPTION_LENGTH:
        await message.reply_text(context.tr("bulletins.compose.caption_too_long",
                                            length=len(content.body)))
        return CONTENT
    draft.content = content
    await keep_draft(update, context, draft)
    tr = context.tr
    buttons = [InlineKeyboardButton(tr("bulletins.topics." + key), callback_data=f"bc:topic:{key}")
               for key in TOPICS]
    await message.reply_text(tr("bulletins.compose.ask_topic"), reply_markup=in_rows(buttons))
    return TOPIC


async def choose_topic(update: Update, context: BotContext) -> int:
    query = update.callback_query
    draft = await draft_of(update, context)
    topic = (query.data or "").removeprefix("bc:topic:")
    if draft is None or draft.content is None or topic not in TOPICS:
        await query.answer(context.tr("bulletins.compose.expired"), show_alert=True)
        return END
    await query.answer()
    draft.topic = topic
    await keep_draft(update, context, draft)
    await show_preview(update, context, draft)
    return CONFIRM


async def cancel(update: Update, context: BotContext) -> int:
    await drop_draft(update, context)
    await update.effective_message.reply_text(context.tr("bulletins.compose.cancelled"))
    return END


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
                   CallbackQueryHandler(finish, pattern=callbacks.COMPOSE_FINISH_PATTERN)]
        composer = ConversationHandler(
            entry_points=[CommandHandler(["bulletin", "bantin"], begin), *buttons],
            states={
                CONTENT: [MessageHandler(in_private & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
                                         receive_content)],
                TOPIC: [
                    CallbackQueryHandler(choose_topic, pattern=callbacks.COMPOSE_TOPIC_PATTERN),
                ],
                CONFIRM: [
                    CallbackQueryHandler(offer_units, pattern=callbacks.COMPOSE_UNITS_PATTERN),
                    CallbackQueryHandler(choose_unit, pattern=callbacks.COMPOSE_UNIT_PATTERN),
                    CallbackQueryHandler(finish, pattern=callbacks.COMPOSE_FINISH_PATTERN),
                ],
            },
            fallbacks=[CommandHandler(["cancel", "huy"], cancel),
                       CallbackQueryHandler(finish, pattern=callbacks.COMPOSE_CANCEL_PATTERN)],
            allow_reentry=True,
        )
    return [composer]
