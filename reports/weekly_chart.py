"""The ``/stats … chart`` image, with matplotlib loaded on the first chart asked for.

matplotlib takes one to two seconds and some 40 MB to import (its font manager reads the
system's fonts); most bots draw a chart rarely, and none should pay for it at start-up. Called
in a worker thread (``asyncio.to_thread``), so the import never blocks the event loop either.
"""

from __future__ import annotations

from reports.render.stats_text import Translate
from reports.weekly_series import WeeklySeries


def weekly_chart_png(series: WeeklySeries, tr: Translate) -> bytes:
    from reports.render.chart import render_weekly_chart

    return render_weekly_chart(series, tr)
