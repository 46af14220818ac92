"""The words of the XLSX and DOCX reports: labels of categories and outcome kinds as configured,
the figures in table order, numbers and dates as ``/stats`` shows them, and the outcome part of
the results sentence ("thu hồi 7 dao tự chế, 4 súng tự chế; làm rõ 6 vụ, 69 đối tượng").

Every word comes from the catalogue (``exports.*`` in ``locales/<lang>/exports.toml``) or from
``config.toml`` (a category's or outcome kind's ``label`` and ``unit``), so an English
deployment gets an English report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.config_model import (
    DEFAULT_CATEGORIES,
    DEFAULT_OUTCOME_KINDS,
    Category,
    Config,
    OutcomeKind,
)
from reports.render.stats_text import Translate, format_count
from reports.stats import UnitStatistics

# How the reports sent up group the default kinds: things recovered, then cases and persons
# cleared up. A kind added in config.toml is listed after them with its own label.
RECOVERED, CLEARED, OTHER = "recovered", "cleared", "other"
ACTION_ORDER = (RECOVERED, CLEARED, OTHER)
ACTION_OF_DEFAULT_KIND = {"knives": RECOVERED, "guns": RECOVERED, "stun_batons": RECOVERED,
                          "cases": CLEARED, "persons": CLEARED}


@dataclass(frozen=True)
class ReportWords:
    tr: Translate
    categories: tuple[Category, ...]
    outcome_kinds: tuple[OutcomeKind, ...]

    def count(self, number: int) -> str:
        return format_count(number, self.tr)

    def category_label(self, key: str) -> str:
        category = next((c for c in self.categories if c.key == key), None)
        if category is not None and category.label:
            return category.label
        return self.tr("categories." + key) if key in DEFAULT_CATEGORIES else key

    def outcome_label(self, key: str) -> str:
        kind = self._kind(key)
        if kind is not None and kind.label:
            return kind.label
        return self.tr("outcomes." + key) if key in DEFAULT_OUTCOME_KINDS else key

    def outcome_unit(self, key: str) -> str:
        """The counting word of a kind ("vụ", "đối tượng"); "" for a kind that has none."""
        kind = self._kind(key)
        if kind is not None and kind.unit:
            return kind.unit
        return self.tr("exports.outcome_unit." + key) if key in DEFAULT_OUTCOME_KINDS else ""

    def outcome_heading(self, key: str) -> str:
        """The label, with the unit when the label does not already say it ("Đối tượng")."""
        unit = self.outcome_unit(key)
        label = self.outcome_label(key)
        if not unit or unit.casefold() in label.casefold():
            return label
        return self.tr("exports.heading_with_unit", label=label, unit=unit)

    def _kind(self, key: str) -> OutcomeKind | None:
        return next((k for k in self.outcome_kinds if k.key == key), None)


def report_words_for(config: Config, tr: Translate) -> ReportWords:
    return ReportWords(tr, config.tips.categories, config.outcome_kinds)


def outcome_actions(outcomes: Mapping[str, int], words: ReportWords) -> list[str]:
    """One phrase per kind of action that had results, in ``ACTION_ORDER``; zeros left out."""
    items: dict[str, list[str]] = {action: [] for action in ACTION_ORDER}
    for key, number in outcomes.items():
        if not number:
            continue
        action = ACTION_OF_DEFAULT_KIND.get(key, OTHER)
        unit = words.outcome_unit(key)
        if action == OTHER:
            items[action].append(words.tr("exports.outcome_item_labelled",
                                          label=words.outcome_label(key),
                                          count=words.count(number), unit=unit).rstrip())
        else:
            items[action].append(words.tr("exports.outcome_item", count=words.count(number),
                                          unit=unit or words.outcome_label(key)))
    separator = words.tr("stats.list_separator")
    return [words.tr("exports.outcome_action." + action, items=separator.join(found))
            for action, found in items.items() if found]


# The per-unit figures, in the column order of both the XLSX sheet and the DOCX tables; the
# heading of each is ``exports.figure.<key>``. (key or heading, value)
Figure = tuple[str, Callable[[UnitStatistics], int]]
GROUP_FIGURES: tuple[Figure, ...] = (
    ("groups", lambda s: s.groups.count),
    ("members", lambda s: s.groups.members),
)
BULLETIN_FIGURES: tuple[Figure, ...] = (
    ("bulletins_sent", lambda s: s.bulletins.sent),
    ("deliveries", lambda s: s.bulletins.deliveries),
    ("failed", lambda s: s.bulletins.failed),
    ("weeks_below_target", lambda s: len(s.bulletins.weeks_below_target)),
)
TIP_FIGURES: tuple[Figure, ...] = (
    ("tips_received", lambda s: s.tips.received),
    ("valuable", lambda s: s.tips.valuable),
    ("not_valuable", lambda s: s.tips.not_valuable),
    ("false", lambda s: s.tips.false),
    ("unassessed", lambda s: s.tips.unassessed),
    ("closed", lambda s: s.tips.closed),
)


def figure_columns(words: ReportWords, figures: Sequence[Figure]) -> list[Figure]:
    """(heading, value) for ``figures``."""
    return [(words.tr("exports.figure." + key), value) for key, value in figures]


def category_columns(stats: UnitStatistics, words: ReportWords) -> list[Figure]:
    return [(words.category_label(key), _category_count(key)) for key in stats.tips.by_category]


def outcome_columns(stats: UnitStatistics, words: ReportWords) -> list[Figure]:
    return [(words.outcome_heading(key), _outcome_count(key)) for key in stats.outcomes]


def _category_count(key: str) -> Callable[[UnitStatistics], int]:
    return lambda s: s.tips.by_category.get(key, 0)


def _outcome_count(key: str) -> Callable[[UnitStatistics], int]:
    return lambda s: s.outcomes.get(key, 0)


def unit_row_name(stats: UnitStatistics, own: bool, words: ReportWords) -> str:
    if own:
        return words.tr("exports.own_row", name=stats.unit_name)
    return stats.unit_name
