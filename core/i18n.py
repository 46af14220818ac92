"""Message catalogues: every sentence a person reads comes from ``locales/<lang>/*.toml``.

Each language is a folder of TOML files, one per journey (``core``, ``tips``, ``bulletins``…),
merged into one catalogue; a key is the dotted path to a string (``start.welcome``) and must be
defined once. Messages use ``str.format`` placeholders (``{code}``). Vietnamese is the default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{key}."))
        elif isinstance(value, str):
            flat[key] = value
        else:
            raise TypeError(f"locale entry {key} must be a string or a table")
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """All messages of one language, keyed by dotted path."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / language).glob("*.toml")):
        with path.open("rb") as handle:
            part = _flatten(tomllib.load(handle))
        clashes = sorted(set(part) & set(messages))
        if clashes:
            raise ValueError(f"{path}: keys defined twice: {', '.join(clashes)}")
        messages.update(part)
    return messages


def normalise_language(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def has_key(key: str) -> bool:
    return key in catalogue(DEFAULT_LANGUAGE)


def t(language: str, key: str, /, **params: object) -> str:
    """The message ``key`` in ``language``, with ``params`` filled in.

    A key missing in one language falls back to Vietnamese; the catalogue tests make sure that
    never happens in a release, but a person should still get a sentence, not a crash.
    """
    messages = catalogue(normalise_language(language))
    template = messages.get(key)
    if template is None:
        template = catalogue(DEFAULT_LANGUAGE)[key]
    return template.format(**params) if params else template


class Translator:
    """``t`` bound to one language, handed to code that speaks to one person."""

    def __init__(self, language: str) -> None:
        self.language = normalise_language(language)

    def __call__(self, key: str, /, **params: object) -> str:
        return t(self.language, key, **params)
