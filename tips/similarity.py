"""How alike two short Vietnamese tips are (SPEC §15), from 0 to 1.

Residents write the same incident in their own words, with or without diacritics ("xe máy bị
cướp" / "xe may bi cuop"), in any case, with typos. A tip is reduced once, when its staff
notices are queued, to a :class:`MatchKey` that is stored with it: the words lower-cased with
their marks, the same words without marks, those words as code characters, and the numbers in
it. Comparing a new tip with the open tips in scope then reads those keys and lets rapidfuzz's C
code score them all at once (``process.cdist``): no Python loop per candidate, no network, no
model. (rapidfuzz's own token scorers split and sort every candidate again on each call, a
hundred times slower over 10,000 candidates than comparing keys made once.)

The score:

* words: how many words the two share (of the shorter tip's, and of both: Dice), words in any
  order, leaving out words that say nothing of the incident ("có", "bị", "ở"); and the sorted
  words compared by characters, which forgives typos and split or joined syllables as
  character n-grams would; averaged. Compared without marks; when both tips were written with
  marks, the comparison with marks counts for half, so "ma túy" and "mã tùy" are told apart.
* numbers weigh most: number plates ("59-X1 234.56" → ``59x123456``), phone-like strings
  ("0912 345 678" → ``0912345678``) and house or other numbers ("12/3", "45A"), each written
  without its separators. When both tips carry numbers, the numbers are
  :data:`NUMBER_WEIGHT` of the score: the same plate lifts two differently written tips above
  the suggestion threshold, and two plates that differ pull two alike tips below it.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

NUMBER_WEIGHT = 0.65
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
# Words that say nothing of the incident ("có", "bị", "ở", "người" ...), unmarked: left out of
# the word sets, so "có người bị cướp xe" and "cướp xe" count as the same words.
_FUNCTION_WORDS = frozenset({
    "a", "ay", "bi", "cac", "co", "cua", "da", "dang", "day", "duoc", "kia", "la", "luc",
    "mot", "nay", "nguoi", "nhe", "nhung", "o", "oi", "rat", "roi", "tai", "thi", "u", "va",
    "voi"})
_CODE_BASE, _CODE_SPAN = 0x4E00, 20_000


@dataclass(frozen=True)
class MatchKey:
    """What a tip is compared by, made once and stored with it: its words with marks, its words
    without marks in sorted order, its meaningful words as a string of one code character
    each (sorted), and its numbers."""

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
        return cls([k.marked for k in keys], [k.plain for k in keys], [k.tokens for k in keys],
                   [k.numbers for k in keys])

    def __len__(self) -> int:
        return len(self.plain)


def without_marks(text: str) -> str:
    """``text`` without tone marks and diacritics: "Đường Lê Lợi" → "Duong Le Loi"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _token_codes(words: list[str]) -> str:
    """One character per meaningful word (a stable hash into a block of CJK characters), sorted:
    rapidfuzz then compares word multisets as fast as it compares characters."""
    return "".join(sorted(chr(_CODE_BASE + zlib.crc32(w.encode()) % _CODE_SPAN)
                          for w in words if w not in _FUNCTION_WORDS))


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
    return MatchKey(" ".join(marked_words), " ".join(sorted(words)), _token_codes(words),
                    " ".join(sorted(numbers)))


def _combined(overlap: np.ndarray, dice: np.ndarray, characters: np.ndarray) -> np.ndarray:
    return (overlap + dice + characters) / 3.0


def _words_scores(query: MatchKey, keys: Keys) -> np.ndarray:
    """Per candidate, 0..100: the share of the fewer words found in the other tip, the Dice
    coefficient of the two word sets, and rapidfuzz's ratio of the sorted words by
    characters (typos, split or joined syllables), averaged. Words are compared as their code
    characters: on sorted strings the Indel distance is |A| + |B| - 2·|A∩B|."""
    lengths = np.fromiter(map(len, keys.tokens), dtype=np.float32, count=len(keys))
    mine = float(len(query.tokens))
    distance = process.cdist([query.tokens], keys.tokens, scorer=Indel.distance,
                             dtype=np.int32)[0].astype(np.float32)
    shared = (mine + lengths - distance) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.nan_to_num(100.0 * shared / np.minimum(mine, lengths))
        dice = np.nan_to_num(200.0 * shared / (mine + lengths))
    characters = process.cdist([query.plain], keys.plain, scorer=fuzz.ratio,
                               dtype=np.float32)[0]
    return _combined(overlap, dice, characters)


def _marked_score(query: MatchKey, marked: str) -> float:
    """The same comparison on the words with their marks ("ma túy" is not "mã tùy")."""
    first, second = query.marked.split(), marked.split()
    mine, theirs = _token_codes(first), _token_codes(second)
    if not mine or not theirs:
        return 0.0
    shared = (len(mine) + len(theirs) - Indel.distance(mine, theirs)) / 2.0
    characters = fuzz.ratio(" ".join(sorted(first)), " ".join(sorted(second)))
    return float(_combined(np.float32(100.0 * shared / min(len(mine), len(theirs))),
                           np.float32(200.0 * shared / (len(mine) + len(theirs))),
                           np.float32(characters)))


def _has_marks(marked: str) -> bool:
    return marked != without_marks(marked)


def _numbers_scores(query: MatchKey, keys: Keys) -> np.ndarray:
    """Per candidate: the share of the fewer numbers found in the other tip (0..100), NaN where
    either tip has none (then the words alone decide)."""
    result = np.full(len(keys), np.nan, dtype=np.float32)
    if not query.numbers:
        return result
    owners = [i for i, numbers in enumerate(keys.numbers) if numbers]
    if not owners:
        return result
    # Each number of the query against every number of the candidates, by characters: a plate
    # with one digit mistyped still counts; a different number does not. The candidates'
    # numbers lie side by side, each candidate's from ``starts``.
    mine = query.numbers.split()
    theirs = [keys.numbers[i].split() for i in owners]
    counts = np.fromiter((len(t) for t in theirs), dtype=np.int64, count=len(theirs))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    matched = process.cdist(mine, [n for t in theirs for n in t], scorer=fuzz.ratio,
                            dtype=np.float32) >= NUMBER_FLOOR
    mine_found = np.maximum.reduceat(matched, starts, axis=1).sum(axis=0)
    theirs_found = np.add.reduceat(matched.any(axis=0), starts)
    found = np.minimum(mine_found, theirs_found)
    result[np.asarray(owners)] = 100.0 * found / np.minimum(len(mine), counts)
    return result


def scores(query: MatchKey, candidates: Keys | Sequence[MatchKey]) -> np.ndarray:
    """How alike ``query`` is to each of ``candidates``, 0..1, in their order."""
    keys = candidates if isinstance(candidates, Keys) else Keys.of(candidates)
    if not len(keys) or query.empty:
        return np.zeros(len(keys), dtype=np.float32)
    words = _words_scores(query, keys)
    if _has_marks(query.marked):
        # The comparison with marks, for the best few that were written with marks too.
        for i in np.argsort(-words)[:MARKED_SHORTLIST]:
            if _has_marks(keys.marked[i]):
                words[i] = (words[i] + _marked_score(query, keys.marked[i])) / 2.0
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


def best_match(query: MatchKey, keys: Keys | Sequence[MatchKey],
               threshold: float) -> Match | None:
    """The most alike of ``keys`` at or above ``threshold``, or None."""
    if not len(keys):
        return None
    found = scores(query, keys)
    best = int(np.argmax(found))
    return Match(best, float(found[best])) if found[best] >= threshold else None
