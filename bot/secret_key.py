"""The secret key behind pseudonyms and relay links (SPEC §3, §12).

From the environment variable named by ``security.secret_key_env`` when it is set (any string of
at least 32 bytes); otherwise from ``<data_dir>/secret.key``, created on first run with 32 random
bytes and mode 0600. If that file vanishes while tips exist, every follow-up link would be lost
silently, so start-up refuses instead. A key that *changed* (another file restored, another value
in the variable) would break them just as silently: its fingerprint is kept in the database and
start-up refuses when it no longer matches while tips exist.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from storage.db import Database
from storage.key_fingerprint import record_fingerprint, stored_fingerprint

KEY_FILE_NAME = "secret.key"
KEY_BYTES = 32


class SecretKeyError(Exception):
    """Start-up must stop; ``message_key`` and ``params`` say why, from the catalogue."""

    def __init__(self, message_key: str, **params: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params


def load_secret_key(env_name: str, environ: Mapping[str, str], data_dir: Path, *,
                    tips_exist: bool) -> bytes:
    from_env = environ.get(env_name)
    if from_env is not None:
        key = from_env.encode("utf-8")
        if len(key) < KEY_BYTES:
            raise SecretKeyError("secret.too_short", variable=env_name, minimum=KEY_BYTES)
        return key
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        key = path.read_bytes()
        if len(key) < KEY_BYTES:
            raise SecretKeyError("secret.file_damaged", path=path)
        return key
    if tips_exist:
        raise SecretKeyError("secret.file_missing", path=path, variable=env_name)
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    # O_EXCL: two processes starting at once must not each write a different key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


async def check_key_fingerprint(db: Database, fingerprint: str, *, tips_exist: bool,
                                env_name: str, environ: Mapping[str, str], data_dir: Path,
                                now: datetime) -> None:
    """Refuse a key other than the one the stored tips were made with; remember the first."""
    async with db.transaction() as conn:
        stored = await stored_fingerprint(conn)
        if stored == fingerprint:
            return
        if stored is not None and tips_exist:
            if env_name in environ:
                raise SecretKeyError("secret.changed_in_variable", variable=env_name)
            raise SecretKeyError("secret.changed_in_file", path=data_dir / KEY_FILE_NAME,
                                 variable=env_name)
        # First start (or a database from before fingerprints), or no tip to lose: this key.
        await record_fingerprint(conn, fingerprint, now)
