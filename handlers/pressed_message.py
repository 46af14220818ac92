"""Answering a button by changing the message it sits under (SPEC §11: no handler crashes).

Telegram refuses an edit that would leave the message as it is ("message is not modified"):
a second press of the same button, or a forged press of a button under a message that never had
that keyboard (callback data is the client's to send). The change the press asked for is already
shown then: the edit is not asked for when the update shows it, and the refusal is not an error
when it comes anyway; every other refusal still is.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest

from channels.telegram import is_not_modified


async def show_in_pressed_message(query: CallbackQuery, text: str,
                                  markup: InlineKeyboardMarkup | None = None) -> None:
    """The pressed message now reads ``text`` (with ``markup``, or no buttons)."""
    shown = query.message
    if shown is not None and getattr(shown, "text", None) == text and (
            getattr(shown, "reply_markup", None) == markup):
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if not is_not_modified(error):
            raise


async def set_pressed_buttons(query: CallbackQuery,
                              markup: InlineKeyboardMarkup | None = None) -> None:
    """The pressed message keeps its text and now carries ``markup`` (None: no buttons)."""
    shown = query.message
    if shown is not None and getattr(shown, "reply_markup", None) == markup:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except BadRequest as error:
        if not is_not_modified(error):
            raise
