"""Words that are chosen where a problem is found but read in the language of whoever is told.

A parser (a schedule, a period, quiet hours) knows *what* is wrong but not who will read it: the
operator of an English deployment, a Vietnamese officer in chat, a config error line. It raises a
:class:`LocalizedError` carrying a catalogue key and its parameters; each caller renders it with
``err.text(language)`` (the reason and the accepted forms) or ``err.reason(language)`` (the
reason alone). ``str(err)`` is the English text, for tracebacks and logs.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from core.i18n import t


@runtime_checkable
class Localizable(Protocol):
    def text(self, language: str) -> str: ...


class Phrase:
    """A catalogue message with its parameters, rendered when the language is known."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params

    def text(self, language: str) -> str:
        return t(language, self.key, **render_params(self.params, language))

    def __repr__(self) -> str:
        return f"Phrase({self.key!r}, {self.params!r})"


def render_params(params: dict[str, object], language: str) -> dict[str, object]:
    """``params`` with every :class:`Localizable` value rendered in ``language``."""
    return {name: value.text(language) if isinstance(value, Localizable) else value
            for name, value in params.items()}


class LocalizedError(ValueError):
    """A refusal worded by the catalogues: ``key`` (the reason) with ``params``, and ``hint``,
    the key of what would have been accepted, if the reason alone does not say it."""

    def __init__(self, key: str, /, *, hint: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.hint = hint
        self.params = params

    def reason(self, language: str) -> str:
        return t(language, self.key, **render_params(self.params, language))

    def text(self, language: str) -> str:
        if self.hint is None:
            return self.reason(language)
        return f"{self.reason(language)}; {t(language, self.hint)}"

    def __str__(self) -> str:
        return self.text("en")
