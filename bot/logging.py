"""Logging set-up with a redacting filter on every record, the libraries' included.

Tipster anonymity (SPEC §3.1) means no log line may carry a Telegram user id, a private chat id,
a username, a name, a phone number or a language, nor the name of a file a tipster sent (it is
often their own name); and httpx logs request URLs, which contain the
bot token. The filter sits on the root handlers, so it sees PTB's, httpx's and APScheduler's
records as well as ours, and rewrites each record before any formatter or file sees it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

REDACTED = "<redacted>"
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
_PERSONAL_FIELD = re.compile(
    r"""(?P<key>['"]?\b(?:first_name|last_name|username|full_name|phone_number|language_code|vcard
        |file_name)
        ['"]?\s*[:=]\s*)
        (?:(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)|[^\s,)}]+)""",
    re.VERBOSE,
)
# Positive integers of five digits or more: user ids and private chat ids (group chat ids are
# negative and stay readable). Update ids and timestamps go too; a log can live without them.
_POSITIVE_ID = re.compile(r"(?<![\w\-.:/])\d{5,}(?!\w|\.\d)")
# Compact JSON ("id":123456789) and paths (/123456789/) slip past the rule above on purpose
# (it spares ports like :8443), so ids under a known key or between slashes go by name.
_KEYED_ID = re.compile(r"""(["']?\b(?:id|user_id|chat_id|from_chat_id)["']?\s*[:=]\s*)\d{5,}""")
_PATH_ID = re.compile(r"(?<=/)\d{5,}(?=/|\b)")
# A Vietnamese mobile number written with spaces, dots or dashes (``090 123 4567``,
# ``+84 90.123.4567``): officers type them in /sms, residents in texts (SPEC §13). Unbroken
# numbers are caught by _POSITIVE_ID.
_SPACED_PHONE = re.compile(r"(?<![\w+])(?:\+84|0084|84|0)[ .\-]?[35789]\d(?:[ .\-]?\d){7}(?!\w)")
WITHHELD = "<payload withheld>"
# python-telegram-bot's DEBUG records that carry whole updates or request bodies: a tip's words,
# an officer's question and every copy sent to staff would land in the log. Redaction cannot
# tell a tip from any other text, so those arguments are withheld; the endpoint names stay.
# Keyed by the library's own format strings (PTB 22); the value says which arguments to keep.
_PAYLOAD_TEMPLATES: dict[str, tuple[int, ...]] = {
    "Calling Bot API endpoint `%s` with parameters `%s`": (0,),
    "Call to Bot API endpoint `%s` finished with return value `%s`": (0,),
    "Webhook received data: %s": (),
    "Processing update %s": (),
}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(REDACTED, text)
    text = _PERSONAL_FIELD.sub(lambda m: f"{m.group('key')}{REDACTED}", text)
    text = _KEYED_ID.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _PATH_ID.sub(REDACTED, text)
    text = _SPACED_PHONE.sub(REDACTED, text)
    return _POSITIVE_ID.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Renders a record's message (and traceback) once, redacted, before anyone formats it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        _withhold_payload(record)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message, self._secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        return True


def _withhold_payload(record: logging.LogRecord) -> None:
    kept = _PAYLOAD_TEMPLATES.get(record.msg) if isinstance(record.msg, str) else None
    if kept is None or not isinstance(record.args, tuple):
        return
    record.args = tuple(arg if index in kept else WITHHELD
                        for index, arg in enumerate(record.args))


def configure_logging(level: str, secrets: Iterable[str] = (),
                      stream: object = None) -> logging.Handler:
    """Send every record through one redacting handler at ``level``. Returns that handler."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every long poll at INFO; keep that noise for DEBUG sessions only.
    logging.getLogger("httpx").setLevel(level if level == "DEBUG" else "WARNING")
    logging.getLogger("apscheduler").setLevel(level if level == "DEBUG" else "WARNING")
    # Alembic narrates each step of every start ("Context impl SQLiteImpl."); storage.migrate
    # says in one line of its own when the schema actually changed.
    logging.getLogger("alembic").setLevel(level if level == "DEBUG" else "WARNING")
    # The database drivers log every statement with its parameters at DEBUG: that would put
    # tip contents into the log. Their warnings and errors still come through.
    for noisy in ("aiosqlite", "asyncpg", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel("WARNING")
    return handler
