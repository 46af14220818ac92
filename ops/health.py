"""The ``/healthz`` answer (SPEC §14): can this process do its job, and what is waiting.

``status`` is ``ok``; ``degraded`` while the Bot API fails (the process runs and keeps its
queues; restarting it would not help); ``failing`` when the database does not answer, the one
case answered 503, because nothing can be filed, scheduled or sent without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from ops.role import ProcessRole
from ops.telegram_state import TelegramState
from storage.ops_figures import OpsFigures


@dataclass(frozen=True)
class HealthReport:
    http_status: int
    body: dict[str, Any]


def health_report(figures: OpsFigures | None, telegram: TelegramState,
                  role: ProcessRole) -> HealthReport:
    if figures is None:
        status = "failing"
    elif telegram.state == "failing":
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        "role": role.current,
        "database": "ok" if figures is not None else "failing",
        "telegram": telegram.state,
        "outbox": figures.outbox_depth if figures is not None else None,
        "pending_deliveries": figures.pending_deliveries if figures is not None else None,
    }
    code = HTTPStatus.SERVICE_UNAVAILABLE if figures is None else HTTPStatus.OK
    return HealthReport(int(code), body)
