"""The report JSON of SPEC §10.

``period.from`` / ``period.to`` are the first and last local day (inclusive ISO dates), ``label``
the canonical PERIOD label, ``unit`` the unit code; every configured category and outcome kind
is present, with 0 when nothing was counted (SPEC §12).

Figures by channel (SPEC §13) stand inside each section, beside the totals they split:
``groups.by_channel.telegram.members``, ``bulletins.by_channel.sms.deliveries``,
``tips.by_channel.zalo_oa.received``. Inside the sections, not one top-level object: a reader of
``groups`` finds its split next to it, each section keeps SPEC §10's keys (no total moves), and
the CSV's dotted names say what each figure is part of. Every configured channel is present,
with 0s.
"""

from __future__ import annotations

import json
from typing import Any

from reports.stats import UnitStatistics


def report_document(stats: UnitStatistics) -> dict[str, Any]:
    """The report as plain data, keys in SPEC §10's order."""
    tips, bulletins, channels = stats.tips, stats.bulletins, stats.by_channel
    return {
        "period": {"from": stats.period.first_day.isoformat(),
                   "to": stats.period.last_day.isoformat(),
                   "label": stats.period.label},
        "unit": stats.unit_code,
        "groups": {"count": stats.groups.count, "members": stats.groups.members,
                   "by_channel": {name: {"count": c.groups, "members": c.members}
                                  for name, c in channels.items()}},
        "bulletins": {"sent": bulletins.sent, "deliveries": bulletins.deliveries,
                      "failed": bulletins.failed, "weekly_target": bulletins.weekly_target,
                      "weeks_below_target": list(bulletins.weeks_below_target),
                      "by_channel": {name: {"deliveries": c.deliveries, "failed": c.failed}
                                     for name, c in channels.items()}},
        "tips": {"received": tips.received, "valuable": tips.valuable,
                 "not_valuable": tips.not_valuable, "false": tips.false,
                 "unassessed": tips.unassessed, "closed": tips.closed,
                 "by_category": dict(tips.by_category), "cases": tips.cases,
                 "by_channel": {name: {"received": c.tips} for name, c in channels.items()}},
        "outcomes": dict(stats.outcomes),
    }


def render_json(stats: UnitStatistics) -> str:
    """UTF-8 friendly (no ``\\u`` escapes), indented, ending with a newline."""
    return json.dumps(report_document(stats), ensure_ascii=False, indent=2) + "\n"
