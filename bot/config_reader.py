"""Typed reading of a parsed TOML document that collects every problem instead of stopping.

SPEC §12: a config error prints ``FILE: KEY: problem`` with KEY as a path (``units[6].parent``),
one line per problem, all problems at once. A :class:`TableReader` reads one table, records a
:class:`ConfigProblem` for each wrong value and returns a usable default, so validation can go on
and report the next problem too.

One key, one line: the first problem found at a key is the one reported. A default stands in for
a wrong value only so that reading can go on; it is never checked further (``ok``), so no line
ever speaks of a value the person did not type ("telegram_id 0" for ``telegram_id = "abc"``).
Every word of a line comes from the catalogue, type names included (``config.types.*``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from core.localized import Localizable, Phrase

T = TypeVar("T")

# Every type tomllib returns, named in the catalogue (config.types.<name>).
_TYPE_NAMES = {str: "string", int: "integer", float: "float", bool: "boolean", list: "array",
               dict: "table", datetime: "datetime", date: "date", time: "time"}


def type_name(kind: type) -> Phrase:
    return Phrase(f"config.types.{_TYPE_NAMES.get(kind, 'other')}")


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in the config: where (a key path) and what (a catalogue message)."""

    key: str
    message_key: str
    params: dict[str, object] = field(default_factory=dict)


class ProblemLog:
    def __init__(self) -> None:
        self.problems: list[ConfigProblem] = []
        self._keys: set[str] = set()

    def add(self, key: str, message_key: str, **params: object) -> None:
        """Record a problem at ``key``, unless one is recorded there already: what follows from
        the first problem of a key is not a second problem."""
        if key in self._keys:
            return
        self._keys.add(key)
        self.problems.append(ConfigProblem(key, message_key, params))

    def has_problem(self, key: str) -> bool:
        return key in self._keys


class TableReader:
    """Reads the keys of one TOML table under the path ``prefix``."""

    def __init__(self, table: dict[str, Any], prefix: str, log: ProblemLog) -> None:
        self.table = table
        self.prefix = prefix
        self.log = log
        self._read: set[str] = set()

    def path(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def problem(self, key: str, message_key: str, **params: object) -> None:
        self.log.add(self.path(key), message_key, **params)

    def ok(self, *keys: str) -> bool:
        """Whether none of ``keys`` had a problem: only then is its value worth checking further."""
        return not any(self.log.has_problem(self.path(key)) for key in keys)

    def value(self, key: str, kind: type[T], default: T) -> T:
        self._read.add(key)
        if key not in self.table:
            return default
        raw = self.table[key]
        # bool is an int in Python; a TOML `true` where a number belongs is still a mistake.
        if not isinstance(raw, kind) or (kind is int and isinstance(raw, bool)):
            self.problem(key, "wrong_type", expected=type_name(kind), found=type_name(type(raw)))
            return default
        return raw

    def required(self, key: str, kind: type[T], default: T) -> T:
        if key not in self.table:
            self._read.add(key)
            self.problem(key, "missing")
            return default
        return self.value(key, kind, default)

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        raw = self.value(key, str, default)
        if raw not in choices:
            self.problem(key, "not_one_of", value=raw, choices=", ".join(choices))
            return default
        return raw

    def positive_int(self, key: str, default: int, *, allow_zero: bool = False) -> int:
        raw = self.value(key, int, default)
        if raw < 0 or (raw == 0 and not allow_zero):
            self.problem(key, "negative" if allow_zero else "not_positive", value=raw)
            return default
        return raw

    def parsed(self, key: str, parse: Callable[[str], T], default_text: str,
               message_key: str) -> T:
        """A string value turned into something richer by ``parse``. It raises ValueError; a
        :class:`Localizable` one gives the reason as ``detail``, in the config's language."""
        raw = self.value(key, str, default_text)
        try:
            return parse(raw)
        except ValueError as err:
            if isinstance(err, Localizable):
                self.problem(key, message_key, value=raw, detail=err)
            else:
                self.problem(key, message_key, value=raw)
            return parse(default_text)

    def sub_table(self, key: str) -> TableReader:
        raw = self.value(key, dict, {})
        return TableReader(raw, self.path(key), self.log)

    def array_of_tables(self, key: str) -> list[TableReader]:
        raw = self.value(key, list, [])
        readers = []
        for index, item in enumerate(raw):
            item_path = f"{self.path(key)}[{index}]"
            if not isinstance(item, dict):
                self.log.add(item_path, "wrong_type", expected=type_name(dict),
                             found=type_name(type(item)))
                continue
            readers.append(TableReader(item, item_path, self.log))
        return readers

    def finish(self) -> None:
        """Report every key of this table that nothing read: a typo or an unsupported option."""
        known = sorted(self._read)
        for key in self.table:
            if key not in self._read:
                self.problem(key, "unknown_key", known=", ".join(known))
