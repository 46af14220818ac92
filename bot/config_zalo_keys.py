"""What the ``[zalo_oa]`` and ``[zalo_bot]`` tables read alike: a URL key (an API base, the Zalo
Bot's public webhook address) and the webhook path they take. One place, so that both tables
accept the same values and word a wrong one the same way (``zalo_bad_url``, ``zalo_bad_path``).
"""

from __future__ import annotations

import re

from bot.config_reader import TableReader
from bot.config_webhook import PathRule

# A path the listener serves literally (``channels.webhook_listener``): no spaces, no query.
ZALO_WEBHOOK_PATHS = PathRule(re.compile(r"^/[A-Za-z0-9._~/-]{0,200}$"), "zalo_bad_path")


def zalo_url(table: TableReader, key: str, default: str, *, example: str) -> str:
    """An http(s) URL as written; a wrong one is reported with ``example`` to copy."""
    value = table.value(key, str, default)
    if table.ok(key) and not value.startswith(("http://", "https://")):
        table.problem(key, "zalo_bad_url", value=value, example=example)
    return value
