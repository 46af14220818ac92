"""``/queue``: drafts and queued bulletins with approve / remove / move-up buttons; the approval
buttons on an officer's notice; and the "re-send to these groups" and forced re-send buttons
under delivery notices.

What each does, and which buttons each person sees, is ``broadcasts.queue_actions``'s: these
handlers turn the update into its call and draw the answer (``handlers.bulletin_drawing``).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from broadcasts import callbacks
from broadcasts.desk import running_desk
from broadcasts.queue_actions import QueueDesk
from handlers.access import requires
from handlers.answer_drawing import keyboard_of
from handlers.bot_context import BotContext
from handlers.bulletin_drawing import draw_pressed
from handlers.commands import guard
from org.roles import Role

QUEUE_PREFIX = callbacks.APPROVE.split(":")[0]  # "bq"
RESEND_PREFIX = callbacks.RESEND.split(":")[0]  # "bu"


def queue_desk_of(context: BotContext) -> QueueDesk:
    return QueueDesk(running_desk(context.services.bulletins), context.tr)


def action_of(update: Update, prefix: str) -> str:
    return (update.callback_query.data or "").removeprefix(prefix + ":")


@guard("queue")
async def show_queue(update: Update, context: BotContext) -> None:
    answer = await queue_desk_of(context).listing(context.staff)
    await update.effective_message.reply_text(answer.text,
                                              reply_markup=keyboard_of(answer, QUEUE_PREFIX))


@guard("queue")  # the buttons under a listing or a notice do what /queue's listing offers
async def queue_button(update: Update, context: BotContext) -> None:
    pressed = await queue_desk_of(context).press(context.staff,
                                                 action_of(update, QUEUE_PREFIX))
    await draw_pressed(update.callback_query, pressed, QUEUE_PREFIX)


@requires(Role.OFFICER)
async def resend_button(update: Update, context: BotContext) -> None:
    pressed = await queue_desk_of(context).resend(context.staff,
                                                  action_of(update, RESEND_PREFIX))
    await draw_pressed(update.callback_query, pressed, RESEND_PREFIX)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["queue", "hangdoi"], show_queue),
        CallbackQueryHandler(queue_button, pattern=callbacks.QUEUE_PREFIX_PATTERN),
        CallbackQueryHandler(resend_button, pattern=callbacks.RESEND_PREFIX_PATTERN),
    ]
