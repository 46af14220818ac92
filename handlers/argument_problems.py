"""The chat lines that say what was wrong with a command's arguments (SPEC §11: a clear answer).

One place per kind of mistake that several commands share: a PERIOD or a schedule spec the parser
refused (``/stats``, ``/report``, ``/schedule``), a unit code that is unknown or outside the
asker's scope (the same answer for both, as SPEC §6 asks of ``/stats``), a word that is not a tip
code. Each command adds its own usage line where the shape of what was typed was wrong.

The period and schedule parsers say what is wrong as a catalogue key (``core.localized``); the
two functions below are the only places that turn those reasons into chat lines.
"""

from __future__ import annotations

from core.i18n import Translator
from core.localized import LocalizedError
from core.schedule_spec import ScheduleSpecError
from reports.periods import PeriodError
from tips.typed_words import echo, not_a_tip_code, unit_not_in_scope
from tips.visible_text import for_staff

__all__ = ["echo", "not_a_tip_code", "period_problem", "schedule_problem", "unit_not_in_scope"]

MAX_REASON = 160  # characters of a parser's reason, which may quote what was typed


def _parser_reason(tr: Translator, error: LocalizedError) -> str:
    # The catalogue line lists the accepted forms already, so only the reason is taken. It
    # quotes what was typed, which may be a whole message long: it is cut like an echo.
    reason = for_staff(error.reason(tr.language))
    return reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 1] + "…"


def period_problem(tr: Translator, key: str, word: str, error: PeriodError) -> str:
    """``key`` (``stats.bad_period``, ``report.bad_period``) for the PERIOD ``word``, with what
    is wrong with it ("month 13 does not exist")."""
    return tr(key, period=echo(word), reason=_parser_reason(tr, error))


def schedule_problem(tr: Translator, error: ScheduleSpecError) -> str:
    """``bulletins.schedule.bad_spec`` with what is wrong with the spec ("time 25:61 …")."""
    return tr("bulletins.schedule.bad_spec", reason=_parser_reason(tr, error))

