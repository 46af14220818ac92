"""Reading the bot's log in an end-to-end test: the production logging set-up written where the
test reads it (:func:`product_logs`), a tap on the root logger that hands over the records
written since the last look, and the ERROR records and tracebacks among them."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.logging import configure_logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # bot/logging.py's
# An exception's own line in a traceback: not indented, a (dotted) class name, then its message.
EXCEPTION_LINE = re.compile(r"^(?!Traceback|During handling)[A-Za-z_][\w.]*(: |$)")
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\w+) ", re.MULTILINE)


@asynccontextmanager
async def product_logs(*secrets: str) -> AsyncIterator[io.StringIO]:
    """The production logging set-up (``bot.logging``) at DEBUG, written where a test reads it;
    the handlers before it are put back after."""
    logs = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    configure_logging("DEBUG", secrets=secrets, stream=logs)
    try:
        yield logs
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)


class LogTap(logging.Handler):
    """What the bot logs, as its log shows it: a second handler on the root logger, after the
    harness's, so it sees each record once redacted (the harness's filter rewrites the record),
    formatted the same way. Reading only the new records keeps the watch quick."""

    def __init__(self, formatter: logging.Formatter | None) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(formatter or logging.Formatter(LOG_FORMAT))
        self._lines: list[str] = []
        self.records_seen = 0

    @classmethod
    def attach(cls, stream: Any) -> LogTap:
        root = logging.getLogger()
        writing = [h for h in root.handlers
                   if isinstance(h, logging.StreamHandler) and h.stream is stream]
        assert writing, "the harness's log handler is not on the root logger"
        tap = cls(writing[0].formatter)
        root.addHandler(tap)  # the harness's fixture restores the root's handlers at the end
        return tap

    def emit(self, record: logging.LogRecord) -> None:
        self._lines.append(self.format(record))

    def take(self) -> str:
        lines, self._lines = self._lines, []
        self.records_seen += len(lines)
        return "\n".join(lines)


def log_problems(text: str) -> list[str]:
    """ERROR/CRITICAL records and tracebacks: the record's line, the deepest frame of the
    project (not of a library), and the exception."""
    problems = []
    records = list(LOG_RECORD.finditer(text))
    for index, record in enumerate(records):
        end = records[index + 1].start() if index + 1 < len(records) else len(text)
        lines = text[record.start():end].rstrip("\n").splitlines()
        traced = any(line.startswith("Traceback (most recent call last)") for line in lines)
        if record.group(1) not in ("ERROR", "CRITICAL") and not traced:
            continue
        frames = [line.strip() for line in lines if line.strip().startswith("File ")]
        ours = [frame for frame in frames if "site-packages" not in frame] or frames
        errors = [line for line in lines[1:] if EXCEPTION_LINE.match(line)]
        summary = lines[0][:200]
        if ours:
            summary += f" | {ours[-1][:160]}"
        if errors:
            summary += f" | {errors[-1][:300]}"
        problems.append(summary)
    return problems
