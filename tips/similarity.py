"""How alike two short Vietnamese tips are (SPEC §15), from 0 to 1.

Residents write the same incident in their own words, with or without diacritics ("xe máy bị
cướp" / "xe may bi cuop"), in any case, with typos. A tip is reduced once, when its staff
notices are queued, to a :class:`MatchKey` that is stored with it: the words lower-cased with
their marks, the same words without marks, those words as code characters, and the numbers in
it. Comparing a new tip with the open tips in scope then reads those keys and lets rapidfuzz's C
code score them all at once (``process.cdist``): no Python loop per candidate, no network, no
model. (rapidfuzz's own token scorers split and sort every candidate again on each call, a
hundred times slower over 10,000 candidates than comparing keys made once.)

How the keys are scored is in ``tips/similarity_scores.py``, which brings numpy and rapidfuzz:
it is imported by the first check, not at start-up (this module needs neither).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

# "59-X1 234.56", "59X1-23456", "51F 123.45", "29 A 12345": two digits, a series of one or two
# letters and an optional digit, then four or five digits, any separators between the groups.
_PLATE = re.compile(r"(?<![0-9a-z])\d{2}\s*-?\s*[a-z]{1,2}\d?\s*[-.\s]?\s*"
                    r"\d{3}[.\s]?\d{1,2}(?![0-9a-z])")
# Ten or eleven digits in groups, starting with 0 or +84: a phone number.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
# Any other number of three digits or more, or with a slash or a letter: "12/3", "45a", "125".
# One or two digits alone ("ấp 2", "9 giờ") are too common to tell incidents apart: they stay
# among the words.
_NUMBER = re.compile(r"(?<![0-9a-z])(?:\d+[a-z]?(?:[/\-.]\d+[a-z]?)+|\d+[a-z]|\d{3,})"
                     r"(?![0-9a-z])")
# A short number after "số", "nhà", "hẻm", "ngõ", "kiệt" (in the unmarked text) is a house or
# alley number: "nhà số 7" and "nhà số 9" are two places.
_HOUSE = re.compile(r"(?<![0-9a-z])(?:so|nha|hem|ngo|kiet)\s+(\d{1,2}[a-z]?)(?![0-9a-z])")
_NOT_WORD = re.compile(r"[^\w]+|_")
# Words that say nothing of the incident ("có", "bị", "ở", "người" ...), unmarked: left out of
# the word sets, so "có người bị cướp xe" and "cướp xe" count as the same words.
_FUNCTION_WORDS = frozenset({
    "a", "ay", "bi", "cac", "co", "cua", "da", "dang", "day", "duoc", "kia", "la", "luc",
    "mot", "nay", "nguoi", "nhe", "nhung", "o", "oi", "rat", "roi", "tai", "thi", "u", "va",
    "voi"})
_CODE_BASE, _CODE_SPAN = 0x4E00, 20_000


class MatchKey(NamedTuple):
    """What a tip is compared by, made once and stored with it: its words with marks, its words
    without marks in sorted order, its meaningful words as a string of one code character
    each (sorted), and its numbers. A tuple of strings, so that the garbage collector stops
    looking at the 10,000 a process holds (``tips.open_tip_index``)."""

    marked: str
    plain: str
    tokens: str
    numbers: str  # space-separated, sorted, without separators

    @property
    def empty(self) -> bool:
        return not (self.tokens or self.numbers)


@dataclass(frozen=True)
class Keys:
    """Many keys as columns, as the database hands them back: scoring 10,000 candidates reads
    four lists, and no object is made per candidate."""

    marked: Sequence[str]
    plain: Sequence[str]
    tokens: Sequence[str]
    numbers: Sequence[str]

    @classmethod
    def of(cls, keys: Sequence[MatchKey]) -> Keys:
        return cls(*(list(map(itemgetter(n), keys)) for n in range(4)))

    def __len__(self) -> int:
        return len(self.plain)


class _MarksDropped(dict[int, str | None]):
    """``str.translate``'s table for :func:`without_marks`: a combining character maps to
    nothing, any other to itself. Filled as characters are met (a few hundred in Vietnamese
    text), so each character is looked up in C after the first time: a Python test per
    character was a third of scoring a tip against the open ones (tips/similarity_scores.py).
    Bounded like :class:`_WordCodes`: a flood of tips in rare scripts must not grow it for ever
    (back to the two fixed entries when full)."""

    LIMIT = 20_000

    def __missing__(self, code: int) -> str | None:
        if len(self) >= self.LIMIT:
            self.clear()
            self.update(_FIXED_MARKS)
        kept = None if unicodedata.combining(chr(code)) else chr(code)
        self[code] = kept
        return kept


_FIXED_MARKS = {ord("đ"): "d", ord("Đ"): "D"}
_MARKS_DROPPED = _MarksDropped(_FIXED_MARKS)


def without_marks(text: str) -> str:
    """``text`` without tone marks and diacritics: "Đường Lê Lợi" → "Duong Le Loi"."""
    # "đ" is not decomposed by NFD: it is replaced before, as the table says.
    return unicodedata.normalize("NFD", text.translate(_MARKS_DROPPED)).translate(
        _MARKS_DROPPED)


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text).split())


class _WordCodes(dict[str, str]):
    """A meaningful word's code character (a stable hash into a block of CJK characters), ""
    for a function word; filled as words are met, so a word is hashed once per process.
    Bounded: cleared when full (words of tips are a few thousand; a flood of made-up ones must
    not grow it for ever)."""

    LIMIT = 50_000

    def __missing__(self, word: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        code = "" if word in _FUNCTION_WORDS else chr(
            _CODE_BASE + zlib.crc32(word.encode()) % _CODE_SPAN)
        self[word] = code
        return code


_WORD_CODES = _WordCodes()


def token_codes(words: list[str]) -> str:
    """One character per meaningful word (a stable hash into a block of CJK characters), sorted:
    rapidfuzz then compares word multisets as fast as it compares characters."""
    return "".join(sorted(map(_WORD_CODES.__getitem__, words)))


def match_key(text: str) -> MatchKey:
    """The key of a tip's text (all its text parts joined)."""
    marked = unicodedata.normalize("NFC", text).lower()
    plain = without_marks(marked)
    numbers: set[str] = set()

    def take(pattern: re.Pattern[str], source: str) -> str:
        def keep(found: re.Match[str]) -> str:
            number = found.group(found.lastindex or 0)
            numbers.add(re.sub(r"[^0-9a-z/]", "", number.replace("+84", "0")))
            # A house number's word ("số", "hẻm") stays among the words.
            return found.group(0)[:found.start(1) - found.start(0)] if found.lastindex else " "
        return pattern.sub(keep, source)

    words = _words(take(_HOUSE, take(_NUMBER, take(_PHONE, take(_PLATE, plain))))).split()
    # The words with marks keep no number the plain words lost: numbers weigh on their own.
    marked_words = [word for word in _words(marked).split()
                    if not word.isdigit() or len(word) <= 2]
    return MatchKey(" ".join(marked_words), " ".join(sorted(words)), token_codes(words),
                    " ".join(sorted(numbers)))
