"""An officer's question to a tipster, as the outbox holds it and as each channel draws it
(SPEC §12: a question of any length arrives whole, split at the channel's limit, in order).

The outbox row says what happened, ``{"event": "question", "code": …, "text": …}``; the
notifier draws it when it is sent, in the words of the tipster's channel
(:class:`core.channel_words.ChannelWords`: on Telegram "reply to this message or type /reply",
by SMS "text TL MÃ nội dung"), labelled with the code, and the channel cuts it into the messages
it takes (``Channel.parts_for``), each naming the code and its place. Rows queued before this
(``{"say": "tipster.question", …}``) are still sent, in the same words.
"""

from __future__ import annotations

from typing import Any

from core.i18n import Translator
from core.outbound import OutboundMessage

QUESTION = "question"
QUESTION_KEY = "tipster.question"


def question_event(code: str, text: str) -> dict[str, Any]:
    """The outbox row of an officer's question to the tipster of ``code``."""
    # "about" names the message for /status, as the tipster's other notices do.
    return {"event": QUESTION, "code": code, "text": text, "label": code, "about": QUESTION_KEY}


def is_question(payload: dict[str, Any]) -> bool:
    return payload.get("event") == QUESTION


def question_message(tr: Translator, payload: dict[str, Any]) -> OutboundMessage:
    """The question in ``tr``'s words (the tipster's channel), labelled with its code so that
    each part of a long one names it."""
    return OutboundMessage(tr(QUESTION_KEY, code=payload["code"], text=payload["text"]),
                           label=payload["code"])
