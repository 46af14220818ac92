"""What the tips domain needs from the running bot, handed over once at start-up."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from core.address import Address
from core.clock import Clock
from core.config_model import (
    DEFAULT_CATEGORIES,
    DEFAULT_OUTCOME_KINDS,
    Category,
    OutcomeKind,
    TipSettings,
)
from core.i18n import Translator
from org.directory import Directory
from storage.db import Database
from tips.anonymity import Anonymizer
from tips.limits import GuessGuard, TipLimits


class WakeNotifier(Protocol):
    """Called after notices were queued, with the staff addresses they go to when known."""

    def __call__(self, chats: Collection[Address] | None = None) -> None: ...


def _no_notifier(chats: Collection[Address] | None = None) -> None:
    """Without an outbox worker (tests of the domain alone) nothing is woken."""


_DEFAULT_LABEL_KEYS = frozenset(DEFAULT_CATEGORIES)
_DEFAULT_OUTCOME_KEYS = frozenset(DEFAULT_OUTCOME_KINDS)


@dataclass
class TipsContext:
    db: Database
    clock: Clock
    anonymizer: Anonymizer
    tr: Translator
    tz: ZoneInfo
    settings: TipSettings
    outcome_kinds: tuple[OutcomeKind, ...]
    directory: Directory
    wake_notifier: WakeNotifier = _no_notifier
    guesses: GuessGuard = field(default_factory=GuessGuard)

    @property
    def limits(self) -> TipLimits:
        return TipLimits(self.settings.max_per_hour, self.settings.max_per_day)

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.settings.categories)

    def category_label(self, key: str) -> str:
        category: Category | None = next(
            (c for c in self.settings.categories if c.key == key), None)
        if category is not None and category.label:
            return category.label
        return self.tr("categories." + key) if key in _DEFAULT_LABEL_KEYS else key

    def outcome_label(self, key: str) -> str:
        kind = next((k for k in self.outcome_kinds if k.key == key), None)
        if kind is not None and kind.label:
            return kind.label
        return self.tr("outcomes." + key) if key in _DEFAULT_OUTCOME_KEYS else key
