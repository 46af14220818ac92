"""How alike two short Vietnamese tips are (SPEC §15), from 0 to 1.

Residents write the same incident in their own words, with or without diacritics ("xe máy bị
cướp" / "xe may bi cuop"), in any case, with typos. A tip is reduced once, when its staff
notices are queued, to a :class:`MatchKey` that is stored with it: the words lower-cased with
their marks, the same words without marks, and the numbers in it. Comparing a new tip with the
open tips in scope then reads those keys and lets rapidfuzz's C code score them all at once
(``process.cdist``): no Python loop per candidate, no network, no model.

The score:

* words: rapidfuzz's token-set and token-sort ratios (words in any order; a word set inside the
  other) averaged with its partial token-sort ratio, which aligns characters and so forgives
  typos and split or joined syllables, as character n-grams would. Compared without marks;
  when both tips were written with marks, the marked comparison counts for half, so "ma túy"
  and "mã tùy" are told apart.
* numbers weigh most: number plates ("59-X1 234.56" → ``59x123456``), phone-like strings
  ("0912 345 678" → ``0912345678``) and house or other numbers ("12/3", "45A"), each written
  without its separators. When both tips carry numbers, the numbers are
  :data:`NUMBER_WEIGHT` of the score: the same plate lifts two differently written tips above
  the suggestion threshold, and two plates that differ pull two alike tips below it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

NUMBER_WEIGHT = 0.55
# A number pair scored below this (by characters) is a different number: "12" is not "21".
NUMBER_FLOOR = 80.0
# Candidates given the (slower) comparison with marks: the best by the unmarked one.
MARKED_SHORTLIST = 20

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
# Words in any order, one set of words within the other, and the best-aligned part by
# characters (typos, syllables split or joined), averaged.
_WORD_SCORERS = (fuzz.token_set_ratio, fuzz.token_sort_ratio, fuzz.partial_token_sort_ratio)


@dataclass(frozen=True)
class MatchKey:
    """What a tip is compared by: its words with marks and without, and its numbers."""

    marked: str
    plain: str
    numbers: str  # space-separated, sorted, without separators

    @property
    def empty(self) -> bool:
        return not (self.plain or self.numbers)


def without_marks(text: str) -> str:
    """``text`` without tone marks and diacritics: "Đường Lê Lợi" → "Duong Le Loi"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text).split())


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

    rest = take(_HOUSE, take(_NUMBER, take(_PHONE, take(_PLATE, plain))))
    # The words with marks keep no number the plain words lost: numbers weigh on their own.
    marked_words = " ".join(word for word in _words(marked).split()
                            if not word.isdigit() or len(word) <= 2)
    return MatchKey(marked_words, _words(rest), " ".join(sorted(numbers)))


def _words_scores(query: MatchKey, keys: Sequence[MatchKey]) -> np.ndarray:
    choices = [k.plain for k in keys]
    scores = np.zeros(len(keys), dtype=np.float32)
    for scorer in _WORD_SCORERS:
        scores += process.cdist([query.plain], choices, scorer=scorer, dtype=np.float32)[0]
    return scores / 3.0


def _marked_score(query: MatchKey, key: MatchKey) -> float:
    return sum(scorer(query.marked, key.marked) for scorer in _WORD_SCORERS) / 3.0


def _has_marks(key: MatchKey) -> bool:
    return key.marked != key.plain


def _numbers_scores(query: MatchKey, keys: Sequence[MatchKey]) -> np.ndarray:
    """Per candidate: the share of the fewer numbers found in the other tip (0..100), NaN where
    either tip has none (then the words alone decide)."""
    result = np.full(len(keys), np.nan, dtype=np.float32)
    if not query.numbers:
        return result
    with_numbers = [i for i, k in enumerate(keys) if k.numbers]
    if not with_numbers:
        return result
    # Each number of the query against every number of the candidates, by characters: a plate
    # with one digit mistyped still counts; a different number does not.
    mine = query.numbers.split()
    theirs: list[str] = []
    owner: list[int] = []
    for i in with_numbers:
        for number in keys[i].numbers.split():
            theirs.append(number)
            owner.append(i)
    table = process.cdist(mine, theirs, scorer=fuzz.ratio, dtype=np.float32)
    matched = table >= NUMBER_FLOOR
    owners = np.asarray(owner)
    for i in with_numbers:
        columns = matched[:, owners == i]
        found = min(int(columns.any(axis=1).sum()), int(columns.any(axis=0).sum()))
        fewer = min(len(mine), columns.shape[1])
        result[i] = 100.0 * found / fewer
    return result


def scores(query: MatchKey, keys: Sequence[MatchKey]) -> np.ndarray:
    """How alike ``query`` is to each of ``keys``, 0..1, in their order."""
    if not keys or query.empty:
        return np.zeros(len(keys), dtype=np.float32)
    words = _words_scores(query, keys)
    if _has_marks(query):
        # The comparison with marks, for the best few that were written with marks too.
        for i in np.argsort(-words)[:MARKED_SHORTLIST]:
            if _has_marks(keys[i]):
                words[i] = (words[i] + _marked_score(query, keys[i])) / 2.0
    numbers = _numbers_scores(query, keys)
    combined = np.where(np.isnan(numbers), words,
                        NUMBER_WEIGHT * np.nan_to_num(numbers) + (1 - NUMBER_WEIGHT) * words)
    return combined / 100.0


def similarity(first: str, second: str) -> float:
    """How alike two texts are, 0..1 (the same score :func:`scores` gives)."""
    return float(scores(match_key(first), [match_key(second)])[0])


@dataclass(frozen=True)
class Match:
    index: int  # in the candidates given
    score: float


def best_match(query: MatchKey, keys: Sequence[MatchKey], threshold: float) -> Match | None:
    """The most alike of ``keys`` at or above ``threshold``, or None."""
    if not keys:
        return None
    found = scores(query, keys)
    best = int(np.argmax(found))
    return Match(best, float(found[best])) if found[best] >= threshold else None
