"""Draw the bulletin use cases' answers (``broadcasts.composer``, ``broadcasts.alerts``,
``broadcasts.queue_actions``) in Telegram.

A choice's action goes into the button's callback data behind the prefix that routes the press
back to its handler (``handlers.answer_drawing.keyboard_of``: ``bc:topic:theft``). An answer "in
place" replaces the text and buttons of the message whose button was pressed; a refusal is an
alert on the pressed button.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update

from broadcasts.composer import Composed
from broadcasts.queue_actions import Pressed
from core.answers import Answer, Shown
from handlers.answer_drawing import keyboard_of
from handlers.pressed_message import set_pressed_buttons, show_in_pressed_message


async def draw_in_pressed_message(query: CallbackQuery, answer: Answer, prefix: str) -> None:
    """The pressed message now reads ``answer``, with its choices (or none)."""
    await show_in_pressed_message(query, answer.text, keyboard_of(answer, prefix))


async def draw_composed(update: Update, composed: Composed, prefix: str) -> None:
    answer, query = composed.answer, update.callback_query
    if query is not None:
        if answer.shown is Shown.ALERT:
            await query.answer(answer.text, show_alert=True)
            return
        await query.answer()
        if composed.in_place:
            await draw_in_pressed_message(query, answer, prefix)
            return
    await update.effective_message.reply_text(answer.text,
                                              reply_markup=keyboard_of(answer, prefix))


async def draw_pressed(query: CallbackQuery, pressed: Pressed, prefix: str) -> None:
    if pressed.note is None:
        await query.answer()
    else:
        await query.answer(pressed.note, show_alert=pressed.refused)
    if pressed.redraw is not None:
        await draw_in_pressed_message(query, pressed.redraw, prefix)
    if pressed.clear_choices:
        await set_pressed_buttons(query)
    if pressed.reply is not None:
        await query.message.reply_text(pressed.reply.text,
                                       reply_markup=keyboard_of(pressed.reply, prefix))
