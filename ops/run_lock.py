"""One ``python -m bot run`` per SQLite file (SPEC §14): an OS lock held for the process's life.

SQLite is single-process here: two bots on one file would both poll, schedule and send. The
first ``run`` takes an exclusive ``flock`` on ``<database>.lock`` (a file of its own, so the
lock never touches SQLite's own locking of the database) and keeps it until it exits; the OS
drops it when the process dies, however it dies, so a crash never leaves a stale lock behind.
The file holds the holder's process id, for the message the second process prints.

PostgreSQL needs no such lock: several processes are the leader/standby design (issue 20).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url

LOCK_SUFFIX = ".lock"


class AlreadyRunning(Exception):
    """Another process runs the bot on this database; ``message_key``/``params`` say so."""

    def __init__(self, lock_path: Path, holder: str) -> None:
        super().__init__(str(lock_path))
        self.message_key = "ops.run.already_running"
        self.params = {"path": lock_path.with_suffix(""), "pid": holder or "?"}


def sqlite_file_of(storage_url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    url = make_url(storage_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def lock_path_of(database: Path) -> Path:
    return database.with_name(database.name + LOCK_SUFFIX)


class RunLock:
    """The held lock; ``release()`` (or the process's end) lets the next ``run`` start."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def take_run_lock(storage_url: str) -> RunLock | None:
    """Take the run lock of a SQLite database, or raise :class:`AlreadyRunning`; None (no lock
    needed) for PostgreSQL."""
    database = sqlite_file_of(storage_url)
    if database is None:
        return None
    database.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path_of(database)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip()
        os.close(fd)
        raise AlreadyRunning(path, holder) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    return RunLock(path, fd)

