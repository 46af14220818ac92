"""The end of composing a bulletin (SPEC §5): the preview, "Choose another unit" to narrow the
target (within the composer's scope, checked again at each press: button data can be forged), and
Send now / Add to queue / Submit (an editor's bulletin becomes a draft an officer approves) /
Cancel. Nothing is queued or sent until the composer chooses. "Send now" to units with SMS
subscribers first shows the SMS cost (``broadcasts.sms_cost``) with Confirm / Cancel; the draft
waits in the database meanwhile.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from broadcasts import callbacks
from broadcasts.bulletins import Action, Content
from broadcasts.composer_drafts import ComposerDraft
from handlers.access import identify
from handlers.bot_context import BotContext
from handlers.bulletin_drafts import desk_of, draft_of, drop_draft, in_rows, keep_draft
from handlers.pressed_message import show_in_pressed_message
from handlers.sms_cost_question import confirm_buttons, sms_cost_text
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit, scope_codes

CONFIRM = 2  # the composer's state while the preview (or the unit list) is shown
UNIT_CHOICES = 24  # buttons; a deeper tree is narrowed with /bulletin from a narrower officer
PREVIEW_CHARS = 1500
END = ConversationHandler.END


def preview_text(context: BotContext, draft: ComposerDraft) -> str:
    tr = context.tr
    unit = context.services.directory.tree.find(draft.unit)
    content = draft.content or Content("")
    body = content.body[:PREVIEW_CHARS] or tr("bulletins.compose.media_placeholder")
    return tr("bulletins.compose.preview", topic=tr("bulletins.topics." + (draft.topic or "")),
              unit=unit.code if unit else draft.unit, unit_name=unit.name if unit else "",
              body=body)


async def show_preview(update: Update, context: BotContext, draft: ComposerDraft) -> None:
    tr = context.tr
    identify(update, context)
    text = preview_text(context, draft)
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


async def offer_units(update: Update, context: BotContext) -> int:
    query = update.callback_query
    identify(update, context)
    if context.staff is None or await draft_of(update, context) is None:
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
                                  in_rows(buttons))
    return CONFIRM


async def choose_unit(update: Update, context: BotContext) -> int:
    query = update.callback_query
    identify(update, context)
    draft = await draft_of(update, context)
    tree = context.services.directory.tree
    code = (query.data or "").removeprefix("bc:unit:")
    # Button data can be forged: the unit must really be in this person's scope.
    if (draft is None or draft.topic is None
            or not may_act_on_unit(context.staff, code, tree, Role.EDITOR)):
        await query.answer(context.tr("bulletins.queue.not_found"), show_alert=True)
        return CONFIRM if draft else END
    await query.answer()
    draft.unit = tree.find(code).code
    await keep_draft(update, context, draft)
    await show_preview(update, context, draft)
    return CONFIRM


async def finish(update: Update, context: BotContext) -> int:
    query = update.callback_query
    identify(update, context)
    member = context.staff
    if member is None:  # not staff (any more): their draft is not theirs to send
        await query.answer(context.tr("bulletins.compose.expired"), show_alert=True)
        return END
    choice = (query.data or "").removeprefix("bc:")
    if choice == "now" and await _asked_sms_cost(update, context, member):
        return CONFIRM  # the draft stays until Confirm (bc:nowok) or Cancel
    draft = await drop_draft(update, context)
    if choice == "cancel" and draft is not None:
        await query.answer()
        await show_in_pressed_message(query, context.tr("bulletins.compose.cancelled"))
        return END
    if draft is None or draft.content is None or draft.topic is None or choice == "cancel":
        await query.answer(context.tr("bulletins.compose.expired"), show_alert=True)
        return END
    await query.answer()
    action = Action.SEND_NOW if choice in ("now", "nowok") else Action.QUEUE
    result = await desk_of(context).submit(member, draft.unit, draft.topic, draft.content, action)
    await show_in_pressed_message(query, await result_text(
        context, result.bulletin.id, result.bulletin.status, draft.unit, result.groups))
    return END


async def _asked_sms_cost(update: Update, context: BotContext, member: StaffMember) -> bool:
    """"Send now" of a draft that would reach SMS subscribers: the preview again with the SMS
    cost and Confirm / Cancel instead of sending (True); False when nothing goes by SMS."""
    draft = await draft_of(update, context)
    if draft is None or draft.content is None or draft.topic is None:
        return False
    quote = await desk_of(context).sms_costs.for_send_now(member, draft.unit, draft.topic,
                                                         draft.content)
    if quote is None or not quote.needs_confirmation:
        return False
    query = update.callback_query
    await query.answer()
    text = "\n\n".join((preview_text(context, draft), sms_cost_text(context.tr, quote)))
    await show_in_pressed_message(query, text, confirm_buttons(
        context.tr, callbacks.COMPOSE_SEND_CONFIRMED, "bc:cancel"))
    return True


async def result_text(context: BotContext, bulletin_id: int, status: str, unit: str,
                       groups: int) -> str:
    tr = context.tr
    if status == "draft":
        return tr("bulletins.compose.draft_submitted", id=bulletin_id)
    if status == "queued":
        schedule = await desk_of(context).schedule_of(unit)
        return tr("bulletins.compose.queued", id=bulletin_id, unit=unit,
                  schedule=schedule.spec.to_text())
    if groups == 0:
        return tr("bulletins.compose.no_groups", id=bulletin_id, unit=unit)
    return tr("bulletins.compose.sending", id=bulletin_id, count=groups)
