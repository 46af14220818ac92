"""The ``/stats … chart`` image (SPEC §6): the figures each panel is given, a real PNG of the
expected size, zeros drawn rather than a crash; and when the weekly summary is due."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta

from core.i18n import Translator
from core.schedule_spec import parse_schedule_spec
from reports.periods import iso_week_label, parse_period
from reports.render.chart import DPI, HEIGHT_INCHES, WIDTH_INCHES, chart_data, render_weekly_chart
from reports.weekly_series import WeeklySeries, WeekPoint
from reports.weekly_summary import latest_summary_slot, summarised_week
from tests.stats_seed import VN, local

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


def week(label: str, monday: date, tips: tuple[int, int, int, int], groups: int,
         deliveries: int, on_target: int) -> WeekPoint:
    counts = dict(zip(("valuable", "not_valuable", "false", "unassessed"), tips, strict=True))
    return WeekPoint(label, monday, counts, groups, deliveries, on_target)


def march_series(weeks: tuple[WeekPoint, ...]) -> WeeklySeries:
    return WeeklySeries("TT-TANTHANH", "Xã Tân Thành", parse_period("2026-03", now=NOW, tz=VN),
                        2, weeks)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return width, height


def test_chart_panels_get_the_weekly_figures_with_readable_week_ticks():
    series = march_series((
        week("2026-W09", date(2026, 2, 23), (1, 0, 0, 2), 3, 4, 1),
        week("2026-W10", date(2026, 3, 2), (0, 1, 2, 0), 3, 8, 3),
        week("2026-W11", date(2026, 3, 9), (0, 0, 0, 0), 0, 0, 0),
    ))
    data = chart_data(series, Translator("vi"))
    assert data.week_ticks == ("T09\n23/02", "T10\n02/03", "T11\n09/03")
    assert dict(data.tips) == {"valuable": (1, 0, 0), "not_valuable": (0, 1, 0),
                               "false": (0, 2, 0), "unassessed": (2, 0, 0)}
    assert data.bulletins_per_group == (1.33, 2.67, 0.0)
    assert data.on_target_notes == ("1/3", "3/3", "")
    assert data.weekly_target == 2 and not data.empty
    assert data.title == "Thống kê TT-TANTHANH — Xã Tân Thành, kỳ 2026-03 (01/03/2026–31/03/2026)"
    assert chart_data(series, Translator("en")).week_ticks[0] == "W09\n23/02"

    png = render_weekly_chart(series, Translator("vi"))
    assert png_size(png) == (int(WIDTH_INCHES * DPI), int(HEIGHT_INCHES * DPI))
    assert len(png) > 10_000  # two panels with bars and text, not a blank canvas


def test_a_period_without_data_still_draws_a_chart_of_zeros():
    mondays = [date(2026, 2, 23) + timedelta(weeks=n) for n in range(6)]
    series = march_series(tuple(week(f"2026-W{9 + n:02d}", monday, (0, 0, 0, 0), 0, 0, 0)
                                for n, monday in enumerate(mondays)))
    data = chart_data(series, Translator("vi"))
    assert data.empty and data.bulletins_per_group == (0.0,) * 6
    assert png_size(render_weekly_chart(series, Translator("vi")))[0] == WIDTH_INCHES * DPI


def test_a_year_of_weeks_renders():
    year = parse_period("2026", now=NOW, tz=VN)
    monday = date(2025, 12, 29)
    weeks = tuple(week(iso_week_label(monday + timedelta(weeks=n)), monday + timedelta(weeks=n),
                       (n % 3, 1, 0, 0), 10, 20, 9) for n in range(53))
    series = WeeklySeries("DT", "Tỉnh Đồng Tháp", year, 2, weeks)
    assert png_size(render_weekly_chart(series, Translator("en")))[1] == HEIGHT_INCHES * DPI


def test_weekly_summary_slot_and_the_week_it_summarises():
    spec = parse_schedule_spec("mon 07:30")
    monday_slot = local(2026, 3, 9, 7, 30).astimezone(UTC)
    assert latest_summary_slot(spec, VN, monday_slot) == monday_slot
    assert latest_summary_slot(spec, VN, monday_slot - timedelta(minutes=1)) == (
        monday_slot - timedelta(weeks=1))
    assert latest_summary_slot(spec, VN, local(2026, 3, 15, 23, 59)) == monday_slot
    week = summarised_week(monday_slot, VN)
    assert (week.label, week.first_day, week.last_day) == (
        "2026-W10", date(2026, 3, 2), date(2026, 3, 8))
    assert week.start_utc == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)


def test_starting_the_bot_loads_no_chart_or_office_library():
    # Issue 19: matplotlib, openpyxl and python-docx load on the first chart or file asked for.
    import subprocess
    import sys

    code = ("import sys, bot.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'matplotlib', 'openpyxl', 'docx'}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
