"""The report as one flat CSV table: a ``metric,value`` header, then one row per figure.

Metric names are the dotted paths of the report JSON (``groups.members``,
``tips.by_category.drugs``, ``outcomes.knives``), so the CSV and the JSON cannot disagree;
``bulletins.weeks_below_target`` is one cell, the week labels joined by ``;`` (empty when none).
Rows follow the JSON's order. Machine keys, not translated labels: the file is for spreadsheets
and scripts; the translated report is the DOCX/XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from reports.render.json_report import report_document
from reports.stats import UnitStatistics

HEADER = ("metric", "value")
LIST_SEPARATOR = ";"


def report_rows(stats: UnitStatistics) -> list[tuple[str, str]]:
    return list(_flatten(report_document(stats), ""))


def _flatten(document: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{name}.")
        elif isinstance(value, list):
            yield name, LIST_SEPARATOR.join(str(item) for item in value)
        else:
            yield name, str(value)


def render_csv(stats: UnitStatistics) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(report_rows(stats))
    return buffer.getvalue()
