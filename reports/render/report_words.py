"""The words of the reports (``/stats``, the weekly summary, XLSX and DOCX): labels of
categories and outcome kinds as configured, the figures in table order, numbers and dates as
``/stats`` shows them, and how an outcome figure names what it counts.

Every figure of an outcome names its kind (a bare "7 cái" says nothing). Two forms:

* **A kind of config.toml** (``[[outcomes.kinds]]`` with ``label`` and an optional counting word
  ``unit``) is written ``label: number unit``: "Dao tự chế: 7 cái", "Vụ việc được làm rõ, xử lý:
  6 vụ". The label is a heading written by whoever keeps the file; it may already hold its verb
  (SPEC §9's "Vụ việc được làm rõ, xử lý") or a comma, so it is never put after a number or under
  a verb ("làm rõ 6 vụ vụ việc được làm rõ, xử lý" would be the result), and such figures are
  separated by ";". The counting word is left out when it is the label itself ("Đối tượng: 69").
* **A default kind** (no ``[[outcomes.kinds]]`` in the file) has its words in the catalogue,
  written for this: in the DOCX sentence it reads as the reports sent up do, number then noun
  under the verb of its action ("thu hồi 7 dao tự chế, 4 súng tự chế; làm rõ 6 vụ, 69 đối
  tượng"); in lists it takes the first form ("Vụ việc được làm rõ: 6 vụ").

Every word comes from the catalogue (``exports.*`` in ``locales/<lang>/exports.toml``,
``stats.*`` in ``reports.toml``) or from ``config.toml``, so an English deployment gets an
English report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from core.config_model import (
    DEFAULT_CATEGORIES,
    DEFAULT_OUTCOME_KINDS,
    Category,
    Config,
    OutcomeKind,
)
from reports.render.stats_text import Translate, format_count
from reports.stats import UnitStatistics

# How the reports sent up group the default kinds: things recovered, then cases and persons
# cleared up. A kind of config.toml is listed after them, as "label: number unit".
RECOVERED, CLEARED = "recovered", "cleared"
ACTION_ORDER = (RECOVERED, CLEARED)
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
        """The counting word of a kind ("vụ", "đối tượng"); "" for a kind that has none. A kind
        of config.toml takes its own (or none), never the catalogue's word for a default key."""
        kind = self._kind(key)
        if kind is not None and kind.label:
            return kind.unit or ""
        return self.tr("exports.outcome_unit." + key) if key in DEFAULT_OUTCOME_KINDS else ""

    def outcome_heading(self, key: str) -> str:
        """The label, with the unit when the label does not already say it ("Đối tượng")."""
        unit = self.outcome_unit(key)
        label = self.outcome_label(key)
        if not unit or unit.casefold() in label.casefold():
            return label
        return self.tr("exports.heading_with_unit", label=label, unit=unit)

    def outcome_figure(self, key: str, number: int) -> str:
        """``number`` of kind ``key`` in a list: "Dao tự chế: 7 cái", "Đối tượng: 69"."""
        label, unit, count = self.outcome_label(key), self.outcome_unit(key), self.count(number)
        if not unit or unit.casefold() == label.casefold():
            return self.tr("stats.outcome_figure_bare", label=label, count=count)
        return self.tr("stats.outcome_figure", label=label, count=count, unit=unit)

    def outcome_in_prose(self, key: str, number: int) -> str | None:
        """"7 dao tự chế", "6 vụ": a default kind's figure to stand after the verb of its action;
        None for a kind whose words come from config.toml (see the module docstring)."""
        if key not in ACTION_OF_DEFAULT_KIND or self._configured(key):
            return None
        return self.tr("exports.outcome_item", count=self.count(number),
                       noun=self.tr("exports.outcome_unit." + key))

    def _configured(self, key: str) -> bool:
        kind = self._kind(key)
        return kind is not None and bool(kind.label)

    def _kind(self, key: str) -> OutcomeKind | None:
        return next((k for k in self.outcome_kinds if k.key == key), None)


def report_words_for(config: Config, tr: Translate) -> ReportWords:
    return ReportWords(tr, config.tips.categories, config.outcome_kinds)


def outcome_actions(outcomes: Mapping[str, int], words: ReportWords) -> list[str]:
    """The outcome phrases of the DOCX results sentence, zeros left out: one per action of the
    default kinds that had results, in ``ACTION_ORDER`` ("thu hồi 7 dao tự chế, 4 súng tự
    chế"), then one per kind of config.toml ("Vụ việc được làm rõ, xử lý: 6 vụ")."""
    in_prose: dict[str, list[str]] = {action: [] for action in ACTION_ORDER}
    listed: list[str] = []
    for key, number in outcomes.items():
        if not number:
            continue
        phrase = words.outcome_in_prose(key, number)
        if phrase is None:
            listed.append(words.outcome_figure(key, number))
        else:
            in_prose[ACTION_OF_DEFAULT_KIND[key]].append(phrase)
    separator = words.tr("stats.list_separator")
    return [*(words.tr("exports.outcome_action." + action, items=separator.join(found))
              for action, found in in_prose.items() if found), *listed]


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
    ("cases", lambda s: s.tips.cases),
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
