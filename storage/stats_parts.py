"""One row shape for every part of a period's statistics, so that the parts can be read in one
statement (``UNION ALL``; ``storage/stats_period.py``) or each on its own.

A part's rows are (part, key, key2, first, second, third): the part's name, up to two keys
(a category, an assessment and a state, a channel, a week's label…) and up to three counts.
On PostgreSQL every statement costs a round trip and SQLAlchemy's work around it, about a
millisecond each under load, as much as adding up a province's year in a running total
(``bench/stats_queries.py``): the figures of ``/stats`` are six parts, one trip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Integer, Select, String, literal, null, select

KEYS, COUNTS = 2, 3

# What a part is built from: a Python value (a unit's code, a day, a moment), or a bound
# parameter of the same type when the statement is built once and run many times.
Value = Any


class PartRow(NamedTuple):
    part: str
    key: Any
    key2: Any
    first: int
    second: int
    third: int


def part_select(part: str, keys: Sequence[ColumnElement[Any]],
                counts: Sequence[ColumnElement[Any]]) -> Select[Any]:
    """``SELECT part, keys…, counts…`` padded to the common shape (NULL keys, 0 counts)."""
    padded_keys = [*keys, *[null()] * (KEYS - len(keys))]
    padded_counts = [*counts, *[literal(0, Integer)] * (COUNTS - len(counts))]
    return select(literal(part, String).label("part"), *padded_keys, *padded_counts)


def rows_by_part(rows: Iterable[Any]) -> dict[str, list[PartRow]]:
    """The rows of one or several parts, by part, counts as ``int`` (a sum may come back as a
    Decimal on PostgreSQL, or NULL over no rows)."""
    found: dict[str, list[PartRow]] = defaultdict(list)
    for part, key, key2, first, second, third in rows:
        found[part].append(PartRow(part, key, key2, int(first or 0), int(second or 0),
                                   int(third or 0)))
    return found
