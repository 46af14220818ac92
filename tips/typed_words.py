"""Lines that repeat back what staff typed wrong in a tip command (SPEC §11: a clear answer).

What was typed is repeated without the bidi and control characters that would reorder or break
the line around it, and cut short: it may be a whole message long.
"""

from __future__ import annotations

from core.i18n import Translator
from tips.visible_text import for_staff

MAX_ECHO = 40  # characters of a mistyped word repeated back


def echo(word: str) -> str:
    """A word the person typed, as it is repeated back to them: without the bidi and control
    characters that would reorder or break the line around it, cut to ``MAX_ECHO``."""
    return for_staff(word)[:MAX_ECHO]


def unit_not_in_scope(tr: Translator, code: str) -> str:
    """A unit code that does not exist, or a unit outside the asker's scope: the same line."""
    return tr("arguments.unit_not_in_scope", code=echo(code))


def not_a_tip_code(tr: Translator, word: str, usage: str) -> str:
    """A word in the place of a tip code that cannot be one, then the command's usage."""
    return "\n".join((tr("arguments.not_a_tip_code", word=echo(word)), usage))
