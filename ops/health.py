"""The ``/healthz`` answer (SPEC §14): can this process do its job, and what is waiting.

``status`` is ``ok``; ``degraded`` while the Bot API fails (the process runs and keeps its
queues; restarting it would not help); ``failing`` when the database does not answer, the one
case answered 503, because nothing can be filed, scheduled or sent without it.

``inbox`` is the webhook inbox's depth: updates accepted and not yet handled (waiting for the
leader, or being handled); 0 in polling mode, where there is no inbox. A depth that keeps
growing means no leader is handling what the processes accept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from ops.role import ProcessRole
from ops.telegram_state import TelegramState
from storage.inbox import RECEIVED, TAKEN
from storage.ops_figures import OpsFigures

# Inbox rows not handled yet; done, uncertain and unreadable ones are finished with.
WAITING_UPDATES = (RECEIVED, TAKEN)


@dataclass(frozen=True)
class HealthReport:
    http_status: int
    body: dict[str, Any]


def inbox_depth(inbox: Mapping[str, int]) -> int:
    return sum(count for state, count in inbox.items() if state in WAITING_UPDATES)


def health_report(figures: OpsFigures | None, telegram: TelegramState, role: ProcessRole,
                  inbox: Mapping[str, int] | None = None) -> HealthReport:
    """``inbox``: the webhook inbox's rows by state, read with ``figures``."""
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
        "inbox": inbox_depth(inbox or {}) if figures is not None else None,
    }
    code = HTTPStatus.SERVICE_UNAVAILABLE if figures is None else HTTPStatus.OK
    return HealthReport(int(code), body)
