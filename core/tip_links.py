"""What a "Báo tin" start link carries (SPEC §3): ``tip``, ``tip_<UNIT>`` or a bulletin's
``tip-b<ID>``. Written by ``broadcasts.rendering`` and read by ``tips.conversation``, so the
format lives here, once.

A bulletin's link used to be ``tip_b<ID>``, which a unit coded ``B12`` could not be told apart
from (unit codes are ``[A-Za-z0-9_-]``, case-insensitive). New links use ``tip-b<ID>``, never a
unit's form; the old form is still read for bulletins already sent, unless a unit has that code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

BULLETIN_PREFIX = "tip-b"
UNIT_PREFIX = "tip_"
_OLD_BULLETIN_PREFIX = "tip_b"


@dataclass(frozen=True)
class TipLink:
    unit_code: str | None = None
    bulletin_id: int | None = None


def is_small_number(text: str) -> bool:
    """Digits a database integer can hold (``"²".isdigit()`` is True, and 10**20 overflows)."""
    return text.isascii() and text.isdigit() and 0 < len(text) <= 9


def bulletin_tip_link(bulletin_id: int) -> str:
    return f"{BULLETIN_PREFIX}{bulletin_id}"


def read_tip_link(payload: str, is_unit_code: Callable[[str], bool]) -> TipLink:
    if payload.startswith(BULLETIN_PREFIX) and is_small_number(payload[len(BULLETIN_PREFIX):]):
        return TipLink(bulletin_id=int(payload[len(BULLETIN_PREFIX):]))
    if not payload.startswith(UNIT_PREFIX):
        return TipLink()
    code = payload[len(UNIT_PREFIX):]
    old_bulletin = code[1:] if payload.startswith(_OLD_BULLETIN_PREFIX) else ""
    if is_small_number(old_bulletin) and not is_unit_code(code):
        return TipLink(bulletin_id=int(old_bulletin))
    return TipLink(unit_code=code)
