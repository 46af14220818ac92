"""The process's own Prometheus metrics, on a registry of this package's own.

Counted as things happen (updates, Bot API answers, leader changes), so they live for the
process's life: one registry per process, whatever number of bots a test starts in it. The
figures kept in the database (tips, deliveries, the outbox) are read at scrape time instead
(``ops.database_figures``): a counter kept in memory would start again at 0 after every restart
and disagree with the database it describes.

Label values are bounded and say nothing about a person: update kinds, Bot API method names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES_HANDLED = Counter(
    "kna_updates_handled", "Telegram updates received by the bot, by kind of update.",
    ["kind"], registry=PROCESS_REGISTRY)
TELEGRAM_RATE_LIMITED = Counter(
    "kna_telegram_rate_limited", "Bot API answers 429 (Too Many Requests), by method.",
    ["method"], registry=PROCESS_REGISTRY)
# From about a tenth of a second (a healthy sendMessage) to the delivery engine's read timeout.
SEND_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
TELEGRAM_SEND_SECONDS = Histogram(
    "kna_telegram_send_seconds",
    "Time from a Bot API request to its answer, by method (getUpdates' long polls left out).",
    ["method"], buckets=SEND_LATENCY_BUCKETS, registry=PROCESS_REGISTRY)
TELEGRAM_FAILURES = Counter(
    "kna_telegram_request_failures",
    "Bot API requests that got no usable answer (network error, timeout, 5xx, 401, 409).",
    ["method"], registry=PROCESS_REGISTRY)
LEADER_CHANGES = Counter(
    "kna_leader_changes", "Times this process took or lost the leader role.",
    registry=PROCESS_REGISTRY)
IS_LEADER = Gauge(
    "kna_leader", "1 while this process is the leader (polls, schedules, sends), else 0.",
    registry=PROCESS_REGISTRY)
INBOX_UNCERTAIN = Counter(
    "kna_inbox_updates_uncertain",
    "Webhook updates a process was handling when it died: not handled again (SPEC §14).",
    registry=PROCESS_REGISTRY)
INBOUND_UNCERTAIN = Counter(
    "kna_inbound_uncertain",
    "Zalo OA, Zalo Bot and SMS events a process was handling when it died: not handled again"
    " (SPEC §11, §12), by channel.", ["channel"], registry=PROCESS_REGISTRY)
