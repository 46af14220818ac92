"""Where a bulletin being composed is kept: in PTB's per-user data and, at every step, in the
database (``broadcasts.composer_drafts``), so that after a restart the preview's buttons still
work and the draft is read back. Keyed by the composer's own address (staff, never a tipster)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from broadcasts.composer_drafts import ComposerDraft, forget_draft, recall_draft, remember_draft
from broadcasts.desk import BulletinDesk, running_desk
from channels.telegram_addresses import address_of_chat
from handlers.bot_context import BotContext

DRAFT = "bulletin_draft"


def desk_of(context: BotContext) -> BulletinDesk:
    return running_desk(context.services.bulletins)


async def draft_of(update: Update, context: BotContext) -> ComposerDraft | None:
    """This person's draft: from memory, or read back from the database after a restart."""
    draft = context.user_data.get(DRAFT)
    if draft is None and update.effective_user is not None:
        draft = await recall_draft(context.services.db, address_of_chat(update.effective_user.id),
                                   context.services.clock.now())
        if draft is not None:
            context.user_data[DRAFT] = draft
    return draft


async def keep_draft(update: Update, context: BotContext, draft: ComposerDraft) -> None:
    context.user_data[DRAFT] = draft
    await remember_draft(context.services.db, address_of_chat(update.effective_user.id), draft,
                         context.services.clock.now())


async def drop_draft(update: Update, context: BotContext) -> ComposerDraft | None:
    draft = await draft_of(update, context)
    context.user_data.pop(DRAFT, None)
    if update.effective_user is not None:
        await forget_draft(context.services.db, address_of_chat(update.effective_user.id))
    return draft


def in_rows(buttons: list[InlineKeyboardButton], per_row: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i:i + per_row] for i in range(0, len(buttons), per_row)])
