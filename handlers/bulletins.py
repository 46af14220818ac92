"""Composing a bulletin in a private chat (SPEC §5, issue 4):

``/bulletin`` → the content (text, or a photo/video/document with a caption) → a topic → Send now
/ Add to queue / Cancel, with "Choose another unit" to narrow the target. An editor's bulletin
becomes a draft that an officer approves. ``/bulletin some text`` queues it at once.

The draft is kept in PTB's per-user data and, at every step, in the database
(``broadcasts.composer_drafts``): after a restart the preview's buttons still work (they are
also entry points of the conversation) and the draft is read back. Nothing is queued or sent
until the officer chooses.
"""

from __future__ import annotations

import warnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
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
from broadcasts.composer_drafts import ComposerDraft, forget_draft, recall_draft, remember_draft
from broadcasts.desk import BulletinDesk, running_desk
from broadcasts.rendering import CAPTION_LIMIT
from channels.telegram_addresses import address_of_chat
from handlers.access import identify
from handlers.commands import guard
from handlers.context import BotContext
from handlers.pressed_message import show_in_pressed_message
from org.roles import Role
from org.staff import may_act_on_unit, scope_codes
from tips.visible_text import has_visible_text

CONTENT, TOPIC, CONFIRM = range(3)
DRAFT, NEXT_STATE = "bulletin_draft", "bulletin_next_state"
UNIT_CHOICES = 24  # buttons; a deeper tree is narrowed with /bulletin from a narrower officer
PREVIEW_CHARS = 1500
END = ConversationHandler.END


def _desk(context: BotContext) -> BulletinDesk:
    return running_desk(context.services.bulletins)


async def _draft(update: Update, context: BotContext) -> ComposerDraft | None:
    """This person's draft: from memory, or read back from the database after a restart."""
    draft = context.user_data.get(DRAFT)
    if draft is None and update.effective_user is not None:
        draft = await recall_draft(context.services.db, address_of_chat(update.effective_user.id),
                                   context.services.clock.now())
        if draft is not None:
            context.user_data[DRAFT] = draft
    return draft


async def _keep(update: Update, context: BotContext, draft: ComposerDraft) -> None:
    context.user_data[DRAFT] = draft
    await remember_draft(context.services.db, address_of_chat(update.effective_user.id), draft,
                         context.services.clock.now())


async def _drop(update: Update, context: BotContext) -> ComposerDraft | None:
    draft = await _draft(update, context)
    context.user_data.pop(DRAFT, None)
    if update.effective_user is not None:
        await forget_draft(context.services.db, address_of_chat(update.effective_user.id))
    return draft


def _rows(buttons: list[InlineKeyboardButton], per_row: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i:i + per_row] for i in range(0, len(buttons), per_row)])


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
    await _keep(update, context, ComposerDraft(context.staff.unit_code))
    await message.reply_text(context.tr("bulletins.compose.ask_content"))
    context.user_data[NEXT_STATE] = CONTENT


async def _queue_at_once(message: Message, context: BotContext, body: str) -> None:
    member = context.staff
    result = await _desk(context).submit(member, member.unit_code, "general", Content(body),
                                         Action.QUEUE)
    await message.reply_text(await _result_text(context, result.bulletin.id,
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
    draft = await _draft(update, context)
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
    if content.media_kind and len(content.body) > CAPTION_LIMIT:
        await message.reply_text(context.tr("bulletins.compose.caption_too_long",
                                            length=len(content.body)))
        return CONTENT
    draft.content = content
    await _keep(update, context, draft)
    tr = context.tr
    buttons = [InlineKeyboardButton(tr("bulletins.topics." + key), callback_data=f"bc:topic:{key}")
               for key in TOPICS]
    await message.reply_text(tr("bulletins.compose.ask_topic"), reply_markup=_rows(buttons))
    return TOPIC


async def choose_topic(update: Update, context: BotContext) -> int:
    query = update.callback_query
    draft = await _draft(update, context)
    topic = (query.data or "").removeprefix("bc:topic:")
    if draft is None or draft.content is None or topic not in TOPICS:
        await query.answer(context.tr("bulletins.compose.expired"), show_alert=True)
        return END
    await query.answer()
    draft.topic = topic
    await _keep(update, context, draft)
    await _show_preview(update, context, draft)
    return CONFIRM


async def _show_preview(update: Update, context: BotContext, draft: ComposerDraft) -> None:
    tr = context.tr
    identify(update, context)
    unit = context.services.directory.tree.find(draft.unit)
    content = draft.content or Content("")
    body = content.body[:PREVIEW_CHARS] or tr("bulletins.compose.media_placeholder")
    text = tr("bulletins.compose.preview", topic=tr("bulletins.topics." + (draft.topic or "")),
              unit=unit.code if unit else draft.unit, unit_name=unit.name if unit else "",
              body=body)
    editor = context.staff is not None and context.staff.role is Role.EDITOR
    first = ([InlineKeyboardButton(tr("bulletins.button.submit"), callback_data="bc:submit")]
             if editor else
             [InlineKeyboardButton(tr("bulletins.button.send_now"), callback_data="bc:now"),
              InlineKeyboardButton(tr("bulletins.button.queue"), callback_data="bc:queue")])
    markup = InlineKeyboardMarkup([
        first,
        [InlineKeyboardButton(tr("bulletins.button.change_unit"), callback_data="bc:units")],
        [InlineKeyboardButton(tr("bulletins.button.cancel"), callback_data="bc:cancel")],
    ])
    await show_in_pressed_message(update.callback_query, text, markup)


# ---- target unit and the final choice ---------------------------------------------------
async def offer_units(update: Update, context: BotContext) -> int:
    query = update.callback_query
    identify(update, context)
    if context.staff is None or await _draft(update, context) is None:
        await query.answer(context.tr("bulletins.compose.expired"), show_alert=True)
        return END
    await query.answer()
    tree = context.services.directory.tree
    codes = sorted(scope_codes(context.staff, tree), key=lambda c: (tree.depth(c), c))
    buttons = [InlineKeyboardButton(code, callback_data=f"bc:unit:{code}")
               for code in codes[:UNIT_CHOICES]]
    buttons.append(InlineKeyboardButton(context.tr("bulletins.button.cancel"),
                                        callback_data="bc:cancel"))
    await show_in_pressed_message(query, context.tr("bulletins.compose.choose_unit"),
                                  _rows(buttons))
    return CONFIRM


async def choose_unit(update: Update, context: BotContext) -> int:
    query = update.callback_query
    identify(update, context)
    draft = await _draft(update, context)
    tree = context.services.directory.tree
    code = (query.data or "").removeprefix("bc:unit:")
    # Button data can be forged: the unit must really be in this person's scope.
    if (draft is None or draft.topic is None
            or not may_act_on_unit(context.staff, code, tree, Role.EDITOR)):
        await query.answer(context.tr("bulletins.queue.not_found"), show_alert=True)
        return CONFIRM if draft else END
    await query.answer()
    draft.unit = tree.find(code).code
    await _keep(update, context, draft)
    await _show_preview(update, context, draft)
    return CONFIRM


async def finish(update: Update, context: BotContext) -> int:
    query = update.callback_query
    identify(update, context)
    member = context.staff
    if member is None:  # not staff (any more): their draft is not theirs to send
        await query.answer(context.tr("bulletins.compose.expired"), show_alert=True)
        return END
    draft = await _drop(update, context)
    choice = (query.data or "").removeprefix("bc:")
    if choice == "cancel" and draft is not None:
        await query.answer()
        await show_in_pressed_message(query, context.tr("bulletins.compose.cancelled"))
        return END
    if draft is None or draft.content is None or draft.topic is None or choice == "cancel":
        await query.answer(context.tr("bulletins.compose.expired"), show_alert=True)
        return END
    await query.answer()
    action = Action.SEND_NOW if choice == "now" else Action.QUEUE
    result = await _desk(context).submit(member, draft.unit, draft.topic, draft.content, action)
    await show_in_pressed_message(query, await _result_text(
        context, result.bulletin.id, result.bulletin.status, draft.unit, result.groups))
    return END


async def _result_text(context: BotContext, bulletin_id: int, status: str, unit: str,
                       groups: int) -> str:
    tr = context.tr
    if status == "draft":
        return tr("bulletins.compose.draft_submitted", id=bulletin_id)
    if status == "queued":
        schedule = await _desk(context).schedule_of(unit)
        return tr("bulletins.compose.queued", id=bulletin_id, unit=unit,
                  schedule=schedule.spec.to_text())
    if groups == 0:
        return tr("bulletins.compose.no_groups", id=bulletin_id, unit=unit)
    return tr("bulletins.compose.sending", id=bulletin_id, count=groups)


async def cancel(update: Update, context: BotContext) -> int:
    await _drop(update, context)
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
