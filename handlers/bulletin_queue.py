"""``/queue``: drafts and queued bulletins with approve / remove / move-up buttons; the approval
buttons on an officer's notice; and the "re-send to these groups" button for uncertain copies.

A listing shows each person only the buttons they may press (``broadcasts.bulletins``'
``may_approve``, ``may_move_up``, ``may_remove``): an editor sees no approve or move-up button,
and a remove button only under their own drafts. Every button is checked again when pressed
(role, scope, current state), so a forged or stale button changes nothing and says so.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from broadcasts import bulletins as bulletin_rules
from broadcasts import callbacks
from broadcasts import resends as resend_rules
from broadcasts.bulletins import Verdict
from broadcasts.desk import BulletinDesk, running_desk
from core.i18n import Translator
from handlers.access import requires
from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.pressed_message import set_pressed_buttons, show_in_pressed_message
from org.roles import Role
from org.staff import StaffMember
from org.units import UnitTree
from storage.bulletins import DRAFT, WaitingBulletin

PREVIEW = 60
VERDICT_KEYS = {Verdict.NOT_FOUND: "bulletins.queue.not_found",
                Verdict.NOT_ALLOWED: "bulletins.queue.not_allowed",
                Verdict.UNCHANGED: "bulletins.queue.unchanged"}
DONE_KEYS = {"approve": "bulletins.queue.approved", "remove": "bulletins.queue.removed",
             "up": "bulletins.queue.moved"}


def _desk(context: BotContext) -> BulletinDesk:
    return running_desk(context.services.bulletins)


def _button(tr: Translator, kind: str, prefix: str, bulletin_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(tr("bulletins.button." + kind, id=bulletin_id),
                                callback_data=f"{prefix}{bulletin_id}{callbacks.FROM_LISTING}")


def _listing(tr: Translator, waiting: list[WaitingBulletin], member: StaffMember,
             tree: UnitTree) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [tr("bulletins.queue.header", count=len(waiting))]
    rows = []
    for item in waiting:
        bulletin = item.bulletin
        preview = (" ".join(bulletin.body.split())[:PREVIEW]
                   or tr("bulletins.compose.media_placeholder"))
        lines.append(tr("bulletins.queue.line", id=bulletin.id,
                        status=tr("bulletins.queue.status_" + bulletin.status),
                        unit=bulletin.unit_code, topic=tr("bulletins.topics." + bulletin.topic),
                        waiting=item.groups_waiting, preview=preview))
        row = []
        if bulletin.status == DRAFT and bulletin_rules.may_approve(member, bulletin, tree):
            row.append(_button(tr, "approve", callbacks.APPROVE, bulletin.id))
        if bulletin_rules.may_move_up(member, bulletin, tree):
            row.append(_button(tr, "up", callbacks.MOVE_UP, bulletin.id))
        if bulletin_rules.may_remove(member, bulletin, tree):
            row.append(_button(tr, "remove", callbacks.REMOVE, bulletin.id))
        if row:
            rows.append(row)
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


@guard("queue")
async def show_queue(update: Update, context: BotContext) -> None:
    services, tree = context.services, context.services.directory.tree
    waiting = await bulletin_rules.waiting_in_scope(services.db, tree, context.staff)
    if not waiting:
        await update.effective_message.reply_text(context.tr("bulletins.queue.empty"))
        return
    text, markup = _listing(context.tr, waiting, context.staff, tree)
    await update.effective_message.reply_text(text, reply_markup=markup)


@guard("queue")  # the buttons under a listing or a notice do what /queue's listing offers
async def queue_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    match = callbacks.QUEUE_PATTERN.match(query.data or "")
    if match is None:
        await query.answer(context.tr("bulletins.queue.not_found"), show_alert=True)
        return
    action, bulletin_id, from_listing = match[1], int(match[2]), bool(match[3])
    services, member = context.services, context.staff
    tree, now = services.directory.tree, services.clock.now()
    if action == "approve":
        verdict, _ = await bulletin_rules.approve_bulletin(services.db, tree, member,
                                                           bulletin_id, now)
    elif action == "remove":
        verdict = await bulletin_rules.remove_bulletin(services.db, tree, member, bulletin_id,
                                                       now)
    else:
        verdict = await bulletin_rules.move_bulletin_up(services.db, tree, member, bulletin_id)
    key = DONE_KEYS[action] if verdict is Verdict.DONE else VERDICT_KEYS[verdict]
    await query.answer(context.tr(key, id=bulletin_id), show_alert=verdict is not Verdict.DONE)
    if verdict is not Verdict.DONE:
        return
    if from_listing:
        waiting = await bulletin_rules.waiting_in_scope(services.db, tree, member)
        if waiting:
            text, markup = _listing(context.tr, waiting, member, tree)
            await show_in_pressed_message(query, text, markup)
        else:
            await show_in_pressed_message(query, context.tr("bulletins.queue.empty"))
    else:
        await set_pressed_buttons(query)
        await query.message.reply_text(context.tr(key, id=bulletin_id))


@requires(Role.OFFICER)
async def resend_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    forced = callbacks.FORCE_PATTERN.match(query.data or "")
    if forced is not None:
        await _forced_resend(update, context, forced[1], int(forced[2]))
        return
    match = callbacks.RESEND_PATTERN.match(query.data or "")
    count = (await _desk(context).resend_uncertain(context.staff, int(match[1]))
             if match else None)
    if count is None:
        await query.answer(context.tr("bulletins.queue.not_found"), show_alert=True)
        return
    if count == 0:
        await query.answer(context.tr("bulletins.resend.nothing"), show_alert=True)
        return
    await query.answer()
    await set_pressed_buttons(query)
    await query.message.reply_text(context.tr("bulletins.resend.started", count=count))


def _ids(bulletin_ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in bulletin_ids)


async def _forced_resend(update: Update, context: BotContext, step: str,
                         dispatch_id: int) -> None:
    """The summary's "re-send" button asks first; only the confirmation sends (SPEC §5)."""
    query, tr, services = update.callback_query, context.tr, context.services
    if step == "forceno":
        await query.answer()
        await show_in_pressed_message(query, tr("bulletins.force.cancelled"))
        return
    if step == "force":
        preview = await resend_rules.resend_preview(services.db, services.directory.tree,
                                                    context.staff, dispatch_id)
        if preview is None:
            await query.answer(tr("bulletins.queue.not_found"), show_alert=True)
        elif preview.groups == 0:
            await query.answer(tr("bulletins.force.nothing"), show_alert=True)
        else:
            await query.answer()
            await query.message.reply_text(
                tr("bulletins.force.confirm", ids=_ids(preview.bulletin_ids),
                   count=preview.groups),
                reply_markup=InlineKeyboardMarkup([[
                    InlineKeyboardButton(tr("bulletins.button.force_confirm"),
                                         callback_data=f"{callbacks.FORCE_CONFIRM}{dispatch_id}"),
                    InlineKeyboardButton(tr("bulletins.button.force_cancel"),
                                         callback_data=f"{callbacks.FORCE_CANCEL}{dispatch_id}"),
                ]]))
        return
    done = await _desk(context).force_resend(context.staff, dispatch_id)
    if done is None:
        await query.answer(tr("bulletins.queue.not_found"), show_alert=True)
    elif done.already:
        await query.answer(tr("bulletins.force.already"), show_alert=True)
    elif done.dispatch_id is None:
        await query.answer(tr("bulletins.force.nothing"), show_alert=True)
    else:
        await query.answer()
        await show_in_pressed_message(query, tr("bulletins.force.started",
                                                ids=_ids(done.bulletin_ids),
                                                count=len(done.delivery_ids)))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["queue", "hangdoi"], show_queue),
        CallbackQueryHandler(queue_button, pattern=callbacks.QUEUE_PREFIX_PATTERN),
        CallbackQueryHandler(resend_button, pattern=callbacks.RESEND_PREFIX_PATTERN),
    ]
