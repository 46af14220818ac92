"""``/stats`` as chat text: every sentence from the catalogue (``stats.*`` in
``locales/<lang>/reports.toml``), numbers with the catalogue's thousands separator (``.`` in
Vietnamese: 1.234), dates dd/mm/yyyy (SPEC: dates are shown dd/mm/yyyy in both languages)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from reports.render import channel_figures  # the module: it uses format_count from here
from reports.stats import UnitStatistics

if TYPE_CHECKING:  # report_words uses format_count from here
    from reports.render.report_words import ReportWords

Translate = Callable[..., str]
DATE_FORMAT = "%d/%m/%Y"


def format_count(number: int, tr: Translate) -> str:
    return f"{number:,}".replace(",", tr("stats.thousands_separator"))


def format_day(day: date) -> str:
    return day.strftime(DATE_FORMAT)


def _week_text(label: str, tr: Translate) -> str:
    year, week = label.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return tr("stats.week", week=week, first=format_day(monday),
              last=format_day(monday + timedelta(days=6)))


def render_stats_text(stats: UnitStatistics, words: ReportWords, *,
                      tip_figures: bool = True) -> str:
    """The figures of ``stats`` as chat text; every outcome figure names its kind, one a line
    ("• Dao tự chế: 7 cái"): a configured label may hold commas, so they do not share a line."""
    tr = words.tr

    def n(number: int) -> str:
        return format_count(number, tr)

    separator = tr("stats.list_separator")
    tips, bulletins = stats.tips, stats.bulletins
    lines = [
        tr("stats.title", unit=stats.unit_code, unit_name=stats.unit_name),
        tr("stats.period", label=stats.period.label, first=format_day(stats.period.first_day),
           last=format_day(stats.period.last_day)),
        tr("stats.groups", count=n(stats.groups.count), members=n(stats.groups.members)),
        tr("stats.bulletins", sent=n(bulletins.sent), deliveries=n(bulletins.deliveries),
           failed=n(bulletins.failed)),
    ]
    if bulletins.weeks_below_target:
        weeks = separator.join(_week_text(w, tr) for w in bulletins.weeks_below_target)
        lines.append(tr("stats.target_missed", target=n(bulletins.weekly_target),
                        count=n(len(bulletins.weeks_below_target)), weeks=weeks))
    else:
        lines.append(tr("stats.target_met", target=n(bulletins.weekly_target)))
    by_channel = channel_figures.channel_line(stats, tr, tip_figures=tip_figures)
    if not tip_figures:  # an editor's view (SPEC §12): no count of tips, nor what they led to
        return "\n".join([*lines, *filter(None, [by_channel])])
    lines.append(tr("stats.tips", received=n(tips.received), valuable=n(tips.valuable),
                    not_valuable=n(tips.not_valuable), false=n(tips.false),
                    unassessed=n(tips.unassessed), closed=n(tips.closed)))
    lines.append(tr("stats.tip_cases", received=n(tips.received), cases=n(tips.cases)))
    # Only the categories that had tips: ten zero lines would hide the ones that matter.
    categories = [tr("stats.item", label=words.category_label(key), count=n(count))
                  for key, count in tips.by_category.items() if count]
    lines.append(tr("stats.by_category", items=separator.join(categories)) if categories
                 else tr("stats.by_category_none"))
    # Only the kinds with results, as for categories.
    results = [tr("stats.outcome_line", figure=words.outcome_figure(key, count))
               for key, count in stats.outcomes.items() if count]
    lines.extend([tr("stats.outcomes"), *results] if results else [tr("stats.outcomes_none")])
    if by_channel is not None:  # only when more than one channel has figures
        lines.append(by_channel)
    return "\n".join(lines)
