"""The ``/stats … chart`` image (SPEC §6): a PNG of two panels over the period's ISO weeks.

Top: tips received per week, stacked by assessment. Bottom: average bulletins per group per
week against the weekly target line, with "groups on target / groups" above each bar.

Drawn with matplotlib's object API on an Agg canvas (``Figure`` + ``FigureCanvasAgg``), never
``pyplot``: pyplot keeps global figure state and may pick an interactive backend, neither safe in
a bot that renders from a worker thread (``asyncio.to_thread``) while serving other chats. Every
word on the image comes from the catalogue (``charts.*``); week ticks read ``T10`` over the
Monday's dd/mm. :func:`chart_data` is what gets drawn, kept apart so tests check the figures
rather than pixels.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reports.render.stats_text import format_day
from reports.stats import ASSESSMENTS
from reports.weekly_series import WeeklySeries

Translate = Callable[..., str]
TICK_DAY_FORMAT = "%d/%m"
MAX_TICK_LABELS = 14  # more than this and the labels of a year's 53 weeks run into each other
MAX_BAR_NOTES = 16  # "m/n" above bars only while they stay legible
WIDTH_INCHES, HEIGHT_INCHES, DPI = 10.0, 7.5, 100
COLOURS = {"valuable": "#2e7d32", "not_valuable": "#90a4ae", "false": "#c62828",
           "unassessed": "#ffb300"}
BULLETIN_COLOUR, TARGET_COLOUR = "#1565c0", "#d84315"
# Separate figures share matplotlib's font and text-layout caches, which are not documented as
# thread-safe; one drawing at a time costs nothing on a CPU-bound job and rules that out.
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class ChartData:
    """Exactly what the two panels show, one entry per week."""

    title: str
    week_ticks: tuple[str, ...]
    tips: Mapping[str, tuple[int, ...]]  # assessment -> tips per week, ASSESSMENTS order
    bulletins_per_group: tuple[float, ...]
    on_target_notes: tuple[str, ...]  # "groups on target/groups", "" where no group was judged
    weekly_target: int
    empty: bool


def chart_data(series: WeeklySeries, tr: Translate) -> ChartData:
    period = series.period
    weeks = series.weeks
    return ChartData(
        title=tr("charts.title", unit=series.unit_code, unit_name=series.unit_name,
                 label=period.label, first=format_day(period.first_day),
                 last=format_day(period.last_day)),
        week_ticks=tuple(tr("charts.week_tick", week=w.label.split("-W")[1],
                            monday=w.monday.strftime(TICK_DAY_FORMAT)) for w in weeks),
        tips={a: tuple(w.tips[a] for w in weeks) for a in ASSESSMENTS},
        bulletins_per_group=tuple(round(w.bulletins_per_group, 2) for w in weeks),
        on_target_notes=tuple(f"{w.groups_on_target}/{w.groups}" if w.groups else ""
                              for w in weeks),
        weekly_target=series.weekly_target,
        empty=series.is_empty,
    )


def render_weekly_chart(series: WeeklySeries, tr: Translate) -> bytes:
    """PNG bytes of the chart of ``series``; CPU work, meant for a worker thread."""
    return render_chart_png(chart_data(series, tr), tr)


def render_chart_png(data: ChartData, tr: Translate) -> bytes:
    with _DRAWING:
        return _draw(data, tr)


def _draw(data: ChartData, tr: Translate) -> bytes:
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    tips_axes, bulletin_axes = figure.subplots(2, 1, sharex=True)
    positions = list(range(len(data.week_ticks)))
    figure.suptitle(data.title, fontsize=12)

    bottom = [0] * len(positions)
    for assessment in ASSESSMENTS:
        counts = data.tips[assessment]
        tips_axes.bar(positions, counts, bottom=bottom, color=COLOURS[assessment],
                      label=tr(f"charts.{assessment}"))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    tips_axes.set_title(tr("charts.tips_title"), fontsize=10)
    tips_axes.set_ylabel(tr("charts.tips_axis"))
    tips_axes.legend(loc="upper left", fontsize=8, ncols=len(ASSESSMENTS))
    tips_axes.set_ylim(0, max(max(bottom, default=0), 1) * 1.25)  # room for the legend
    tips_axes.yaxis.get_major_locator().set_params(integer=True)

    bars = bulletin_axes.bar(positions, data.bulletins_per_group, color=BULLETIN_COLOUR,
                             label=tr("charts.bulletins_bar"))
    if len(positions) <= MAX_BAR_NOTES:
        bulletin_axes.bar_label(bars, labels=list(data.on_target_notes), fontsize=8, padding=2)
    bulletin_axes.axhline(data.weekly_target, color=TARGET_COLOUR, linestyle="--",
                          label=tr("charts.target_line", target=data.weekly_target))
    bulletin_axes.set_title(tr("charts.bulletins_title"), fontsize=10)
    bulletin_axes.set_ylabel(tr("charts.bulletins_axis"))
    bulletin_axes.set_xlabel(tr("charts.week_axis"))
    highest = max([*data.bulletins_per_group, float(data.weekly_target), 1.0])
    bulletin_axes.set_ylim(0, highest * 1.3)
    bulletin_axes.legend(loc="upper left", fontsize=8, ncols=2)

    step = max(1, math.ceil(len(positions) / MAX_TICK_LABELS))
    bulletin_axes.set_xticks(positions[::step], data.week_ticks[::step], fontsize=8)
    if data.empty:
        # Zeros are drawn as they are; the line says plainly that they are not a fault.
        tips_axes.text(0.5, 0.5, tr("charts.nothing_to_draw"), ha="center", va="center",
                       transform=tips_axes.transAxes, fontsize=13,
                       bbox={"facecolor": "white", "edgecolor": "#555555"})
    output = io.BytesIO()
    figure.savefig(output, format="png")
    return output.getvalue()
