"""Choices for a channel without buttons (``ButtonStyle.NONE``: SMS): the buttons become
numbered lines under the text, with a line saying how to answer ("Trả lời 1, 2 hoặc 3"), and a
typed number is mapped back to the chosen button's callback data, as if it had been pressed.

Written once for every adapter that has no buttons: the SMS and Zalo adapters draw with
:func:`numbered_text` and their inbound side answers with :func:`chosen_callback`. A link
(``Button.url``) is written out after its choice, since it cannot be pressed; a deep link
(``Button.start``) is left out (a channel without buttons has no deep links either: the core
offers none, SPEC §13).
"""

from __future__ import annotations

from core.i18n import Translator
from core.outbound import Button

Buttons = tuple[tuple[Button, ...], ...]


def numbered(buttons: Buttons) -> list[Button]:
    """The choices in reading order (row by row), the ones a number can stand for."""
    return [button for row in buttons for button in row if button.start is None]


def _answer_numbers(tr: Translator, count: int) -> str:
    numbers = [str(number) for number in range(1, count + 1)]
    if count == 1:
        return numbers[0]
    return tr("choices.answer_or", first=", ".join(numbers[:-1]), last=numbers[-1])


def numbered_text(tr: Translator, text: str, buttons: Buttons) -> str:
    """``text``, then one line per choice (``1. Đã phổ biến``) and the line that says how to
    answer; ``text`` alone when there is no choice."""
    choices = numbered(buttons)
    if not choices:
        return text
    lines = [tr("choices.link", number=number, text=button.text, url=button.url)
             if button.url else tr("choices.line", number=number, text=button.text)
             for number, button in enumerate(choices, start=1)]
    if any(button.callback for button in choices):
        lines.append(tr("choices.answer", numbers=_answer_numbers(tr, len(choices))))
    return "\n".join([text, "", *lines]) if text else "\n".join(lines)


def chosen_callback(reply: str, buttons: Buttons) -> str | None:
    """The callback data of the choice a person answered with its number (``" 2 "``, ``"2."``);
    None when the reply is no number of a choice, or names a link (nothing to press)."""
    typed = reply.strip().rstrip(".)")
    if not typed.isascii() or not typed.isdigit():
        return None
    choices = numbered(buttons)
    number = int(typed)
    if not 1 <= number <= len(choices):
        return None
    return choices[number - 1].callback
