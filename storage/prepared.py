"""Statements built once, run on the inline SQLite connection without SQLAlchemy's per-call work.

Filing a tip is a handful of statements that take microseconds each in SQLite itself; around
each one SQLAlchemy spends a few hundred Python calls (cache key, execution context, events,
result set-up), and between a resident's messages those calls run on cold caches: they were
three quarters of the time filing took (bench/tip_intake.py). A statement marked here with
:func:`prepared` is compiled by SQLAlchemy once, for SQLite, and then runs straight on the
``sqlite3`` cursor of the inline writer (storage/sqlite_inline.py), with SQLAlchemy's own bind
and result processors applied, and its rows returned as a SQLAlchemy ``Result``.

Everywhere else (PostgreSQL, the ordinary aiosqlite transactions) the same statement object
runs through SQLAlchemy as before, so repositories are written once for both.

Only statements built once (at module level, or cached) may be marked: they are kept here for
the life of the process. Marked statements must be ``text()`` or ``select()`` constructs whose
every value is a bound parameter (``construct_params`` checks that each is given); ``IN``
lists that expand are refused when the statement is marked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.engine import Dialect
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.sql.elements import BindParameter, TextClause
from sqlalchemy.sql.selectable import Select, TextualSelect
from sqlalchemy.sql.visitors import iterate

S = TypeVar("S", TextClause, TextualSelect, Select[Any])
Processor = Callable[[Any], Any]


class InlineResult(IteratorResult[Any]):
    """A ``Result`` over rows already fetched, with the ``rowcount`` DML callers read."""

    def __init__(self, metadata: SimpleResultMetaData, rows: list[tuple[Any, ...]],
                 rowcount: int) -> None:
        super().__init__(metadata, iter(rows))
        self.rowcount = rowcount


class _Compiled:
    """One statement's SQL for SQLite, its parameters in order, and how to convert values."""

    def __init__(self, statement: TextClause | TextualSelect | Select[Any],
                 dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self._compiled = compiled
        self._order = tuple(compiled.positiontup or ())
        self._bind_processors: dict[str, Processor] = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._bind_processors[name] = processor
        columns = getattr(statement, "selected_columns", None)
        keys = list(columns.keys()) if columns is not None else []
        self._metadata = SimpleResultMetaData(keys)
        self._result_processors: list[tuple[int, Processor]] = []
        for n, column in enumerate(columns or ()):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                self._result_processors.append((n, processor))

    def _values(self, parameters: Mapping[str, Any]) -> tuple[Any, ...]:
        values = self._compiled.construct_params(parameters)
        for name, processor in self._bind_processors.items():
            values[name] = processor(values[name])
        return tuple(values[name] for name in self._order)

    def run(self, cursor: Any, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
            ) -> InlineResult:
        if parameters is None or isinstance(parameters, Mapping):
            cursor.execute(self.sql, self._values(parameters or {}))
        else:
            cursor.executemany(self.sql, [self._values(each) for each in parameters])
        rows = cursor.fetchall() if cursor.description else []
        if self._result_processors and rows:
            rows = [self._processed(row) for row in rows]
        return InlineResult(self._metadata, rows, cursor.rowcount)

    def _processed(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for n, processor in self._result_processors:
            values[n] = processor(values[n])
        return tuple(values)


class _Prepared:
    def __init__(self, statement: TextClause | TextualSelect | Select[Any]) -> None:
        self.statement = statement  # held, so that its id() stays its own
        self._compiled: _Compiled | None = None

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self.statement, dialect)
        return self._compiled


_PREPARED: dict[int, _Prepared] = {}


def prepared(statement: S) -> S:
    """Mark ``statement`` (built once, kept for good) to run straight on the inline connection."""
    if any(isinstance(element, BindParameter) and element.expanding
           for element in iterate(statement)):
        raise ValueError("a prepared statement cannot expand IN lists")
    _PREPARED.setdefault(id(statement), _Prepared(statement))
    return statement


def compiled_if_prepared(statement: Any, dialect: Dialect) -> _Compiled | None:
    entry = _PREPARED.get(id(statement))
    return entry.compiled_for(dialect) if entry is not None else None
