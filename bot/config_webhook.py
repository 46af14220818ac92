"""The keys of a channel's own webhook listener, read alike in ``[zalo_oa]``, ``[zalo_bot]`` and
``[sms]``: ``webhook_listen`` (the address it binds; the loopback by default, behind the TLS
proxy as for Telegram's webhook), ``webhook_port`` and ``webhook_path``.

One reader so that the three tables take the same values and say the same thing about a wrong
one (``empty``, ``bad_port``, and the table's own message for a path it does not take). A
table reads and checks the keys at once (:func:`read_webhook_keys` with a ``rule``), or reads
them and checks them later, only when its listener is used (``[sms]`` with the Android gateway:
:func:`check_webhook_keys`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config_reader import TableReader

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class WebhookKeys:
    listen: str
    port: int
    path: str


@dataclass(frozen=True)
class PathRule:
    """The paths a table takes, and its catalogue message for one it does not."""

    pattern: re.Pattern[str]
    message_key: str


def read_webhook_keys(table: TableReader, *, port: int, path: str,
                      rule: PathRule | None) -> WebhookKeys:
    """The three keys (``port`` and ``path`` the table's defaults), each checked as soon as it
    is read when ``rule`` is given, so the problems come in the keys' order."""
    listen = table.value("webhook_listen", str, LOOPBACK)
    if rule is not None:
        _check_listen(table, listen)
    port = table.value("webhook_port", int, port)
    if rule is not None:
        _check_port(table, port)
    path = table.value("webhook_path", str, path)
    if rule is not None:
        _check_path(table, path, rule)
    return WebhookKeys(listen, port, path)


def check_webhook_keys(table: TableReader, keys: WebhookKeys, rule: PathRule) -> None:
    """The checks of :func:`read_webhook_keys`, for keys it read without a ``rule``."""
    _check_listen(table, keys.listen)
    _check_port(table, keys.port)
    _check_path(table, keys.path, rule)


def _check_listen(table: TableReader, listen: str) -> None:
    if table.ok("webhook_listen") and not listen.strip():
        table.problem("webhook_listen", "empty")


def _check_port(table: TableReader, port: int) -> None:
    if table.ok("webhook_port") and not 1 <= port <= 65535:
        table.problem("webhook_port", "bad_port", value=port)


def _check_path(table: TableReader, path: str, rule: PathRule) -> None:
    if table.ok("webhook_path") and not rule.pattern.match(path):
        table.problem("webhook_path", rule.message_key, value=path)
