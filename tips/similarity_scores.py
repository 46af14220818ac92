"""Scoring a tip's key against many (SPEC §15): how alike, 0 to 1; keys are made in
``tips/similarity.py``. Imported on a tip's first similarity check, not at start-up: numpy and
rapidfuzz take some 90 ms and several megabytes to import (``tips.similar_tips`` imports this
off the event loop).

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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from tips.similarity import Keys, MatchKey, match_key, token_codes, without_marks

NUMBER_WEIGHT = 0.65
# A number pair scored below this (by characters) is a different number: "12" is not "21".
NUMBER_FLOOR = 80.0
# Candidates given the (slower) comparison with marks: the best by the unmarked one.
MARKED_SHORTLIST = 20
# Keys whose words with marks are kept ready (:func:`_marked_words`): the open tips in a scope.
MARKED_KEPT = 20_000

def _combined(overlap: np.ndarray, dice: np.ndarray, characters: np.ndarray) -> np.ndarray:
    return (overlap + dice + characters) / 3.0


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part / whole``, 0 where ``whole`` is 0."""
    return np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)


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
    # 0 where a tip has no meaningful word (0/0; ``shared`` is never above the fewer words, so
    # no other division by 0): what np.nan_to_num made of the NaN, without its Python cost.
    overlap = _share(100.0 * shared, np.minimum(mine, lengths))
    dice = _share(200.0 * shared, mine + lengths)
    characters = process.cdist([query.plain], keys.plain, scorer=fuzz.ratio,
                               dtype=np.float32)[0]
    return _combined(overlap, dice, characters)


class _MarkedWords(NamedTuple):
    """A key's words with their marks, made ready for :func:`_marked_scores`."""

    has_marks: bool  # written with marks ("xe máy"), not without ("xe may")
    codes: str  # its words as code characters, sorted (tips.similarity.token_codes)
    sorted_words: str


@lru_cache(maxsize=MARKED_KEPT)
def _marked_words(marked: str) -> _MarkedWords:
    """Made once per key and kept: the same open tips make every check's shortlist, and making
    this for each of them on every check was most of the time a check took."""
    words = marked.split()
    return _MarkedWords(marked != without_marks(marked), token_codes(words),
                        " ".join(sorted(words)))


def _marked_scores(query: _MarkedWords, theirs: list[_MarkedWords]) -> np.ndarray:
    """The same comparison as :func:`_words_scores` on the words with their marks ("ma túy" is
    not "mã tùy"), for a few candidates (float32, 0 where either has no meaningful word)."""
    mine = len(query.codes)
    lengths = np.fromiter((len(their.codes) for their in theirs), dtype=np.float64,
                          count=len(theirs))
    distance = process.cdist([query.codes], [their.codes for their in theirs],
                             scorer=Indel.distance, dtype=np.int32)[0]
    shared = (mine + lengths - distance) / 2.0
    characters = process.cdist([query.sorted_words], [their.sorted_words for their in theirs],
                               scorer=fuzz.ratio, dtype=np.float32)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        # In float64 and then float32, as each was computed one at a time before.
        overlap = (100.0 * shared / np.minimum(mine, lengths)).astype(np.float32)
        dice = (200.0 * shared / (mine + lengths)).astype(np.float32)
    combined = _combined(overlap, dice, characters)
    return np.where((lengths > 0) & (mine > 0), combined, np.float32(0.0))


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
    # (Without a list per candidate: thousands of small lists per check made the garbage
    # collector run, and now and then a full collection of the whole process, mid-check.)
    mine = query.numbers.split()
    theirs = [keys.numbers[i] for i in owners]
    counts = np.fromiter((t.count(" ") + 1 for t in theirs), dtype=np.int64, count=len(theirs))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    matched = process.cdist(mine, " ".join(theirs).split(), scorer=fuzz.ratio,
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
    mine = _marked_words(query.marked)
    if mine.has_marks:
        # The comparison with marks, for the best few that were written with marks too.
        shortlist: list[int] = []
        theirs: list[_MarkedWords] = []
        for i in np.argsort(-words)[:MARKED_SHORTLIST].tolist():
            their = _marked_words(keys.marked[i])
            if their.has_marks:
                shortlist.append(i)
                theirs.append(their)
        if shortlist:
            words[shortlist] = (words[shortlist] + _marked_scores(mine, theirs)) / 2.0
    numbers = _numbers_scores(query, keys)
    combined = np.where(np.isnan(numbers), words,
                        NUMBER_WEIGHT * np.where(np.isnan(numbers), np.float32(0.0), numbers)
                        + (1 - NUMBER_WEIGHT) * words)
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
