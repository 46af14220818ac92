"""The ``[ops]`` table (SPEC §14): the address of the health and metrics server.

Optional: without the table no server is started. ``listen`` is ``host:port``; the default
deployment keeps it on the loopback interface, where the machine's own Prometheus agent or a
reverse proxy reaches it, because ``/metrics`` and ``/healthz`` carry no login.
"""

from __future__ import annotations

from bot.config_reader import TableReader
from core.config_model import OpsSettings


def parse_listen(text: str) -> tuple[str, int]:
    """``"127.0.0.1:9464"`` or ``"[::1]:9464"`` → (host, port); ValueError when it is neither."""
    host, sep, port_text = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port_text.isdigit():
        raise ValueError(text)
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ValueError(text)
    return host, port


def read_ops(root: TableReader, key: str) -> OpsSettings | None:
    present = key in root.table
    table = root.sub_table(key)
    listen = table.required("listen", str, "") if present else ""
    table.finish()
    if not present or not table.ok("listen"):
        return None
    try:
        host, port = parse_listen(listen)
    except ValueError:
        table.problem("listen", "ops.bad_listen", value=listen)
        return None
    return OpsSettings(host, port)
