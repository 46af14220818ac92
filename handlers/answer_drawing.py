"""Draw the core's answers (``core.answers``) in Telegram: inline keyboards, pressed buttons.

A choice's action goes into the button's callback data behind a short prefix that routes the
press back to its handler (``ti:u:TT-BINHTHANH``). An answer to a pressed button first answers
the button itself (Telegram shows a spinner until then): with an alert when the answer is one,
else silently, just before whatever message follows. A refused send becomes
:class:`core.answers.Undelivered`, naming only the kind of error (its text can name the chat).
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import CallbackQueryLimit, ChatType
from telegram.error import TelegramError

from channels.telegram import send_text, text_parts
from core.answers import Answer, Shown, Undelivered

ALERT_LIMIT = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH  # an alert's longest text


def keyboard_of(answer: Answer, prefix: str) -> InlineKeyboardMarkup | None:
    if not answer.choices:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(choice.label,
                                                       callback_data=f"{prefix}:{choice.action}")
                                  for choice in row] for row in answer.choices])


class MessageReply:
    """Answers go to the chat of ``message``, as replies to it."""

    def __init__(self, message: Message, prefix: str) -> None:
        self.message = message
        self.prefix = prefix
        # A plain private chat (no topic, no business account): reply_text would add nothing
        # to chat id, text and keyboard, so the answer goes by ``send_text``, which does not
        # turn Telegram's copy of the message sent back into objects nobody reads.
        self._plain = (message.chat.type == ChatType.PRIVATE and not message.is_topic_message
                       and message.business_connection_id is None)

    async def _reply(self, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
        if self._plain:
            await send_text(self.message.get_bot(), self.message.chat_id, text,
                            reply_markup=keyboard)
        else:
            await self.message.reply_text(text, reply_markup=keyboard)

    async def __call__(self, answer: Answer) -> None:
        # Only a labelled answer may be long (a tip's thread): each part repeats the label, and
        # the choices, if any, come with the last part.
        parts = [answer.text] if answer.label is None else text_parts(answer.text, answer.label)
        try:
            for number, part in enumerate(parts, start=1):
                keyboard = keyboard_of(answer, self.prefix) if number == len(parts) else None
                await self._reply(part, keyboard)
        except TelegramError as error:
            raise Undelivered(type(error).__name__) from error


class PressReply(MessageReply):
    """Answers to a pressed button: the button is answered once, before any message; new choices
    replace the buttons of the message pressed. Call :meth:`finish` when the use case is done,
    so a press that needed no words still stops the spinner."""

    def __init__(self, query: CallbackQuery, message: Message, prefix: str) -> None:
        super().__init__(message, prefix)
        self.query = query
        self.answered = False

    async def _answer_button(self, alert: str | None = None) -> None:
        if not self.answered:
            self.answered = True
            if alert is None:
                await self.query.answer()
            else:
                await self.query.answer(alert[:ALERT_LIMIT], show_alert=True)

    async def __call__(self, answer: Answer) -> None:
        if answer.shown is Shown.ALERT and not self.answered:
            await self._answer_button(answer.text)
            return
        await self._answer_button()
        if answer.shown is Shown.NEW_CHOICES:
            await self.message.edit_reply_markup(keyboard_of(answer, self.prefix))
            return
        await super().__call__(answer)

    async def finish(self) -> None:
        await self._answer_button()
