"""One line, in the operator's language, for a database that cannot be used (``run``,
``db upgrade``, ``report``): which server or file, and what to check.

asyncpg raises its own exceptions while connecting (SQLAlchemy wraps only what happens after), so
both kinds are recognised, by the SQLSTATE the server sent where there is one. asyncpg's are
named only once asyncpg is loaded (an asyncpg error cannot exist before): a bot on SQLite never
loads the PostgreSQL driver.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from core.config_model import Config
from core.i18n import t


def storage_failures() -> tuple[type[BaseException], ...]:
    """What may come out of opening, migrating or reading the database (``except
    storage_failures():`` is evaluated when an exception reaches it)."""
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is None:
        return (SQLAlchemyError, OSError)
    return (SQLAlchemyError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


DATABASE_MISSING = "3D000"  # invalid_catalog_name
LOGIN_REFUSED = ("28000", "28P01")  # invalid_authorization_specification, invalid_password
SQLITE_CANTOPEN = 14


def _driver_attribute(err: BaseException, name: str) -> object:
    """``name`` of ``err`` or of the driver error it wraps (SQLAlchemy's ``orig``)."""
    seen: BaseException | None = err
    for _ in range(4):
        if seen is None:
            return None
        value = getattr(seen, name, None)
        if value is not None:
            return value
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


def storage_failure_message(config: Config, err: BaseException) -> str:
    language = config.language
    url = make_url(config.storage_url)
    if url.drivername.startswith("sqlite"):
        cannot_open = _driver_attribute(err, "sqlite_errorcode") == SQLITE_CANTOPEN
        if isinstance(err, OSError) or cannot_open:
            return t(language, "cli.db_file_unusable", path=url.database or ":memory:")
        return t(language, "cli.db_unreachable", storage=url.drivername,
                 detail=err.__class__.__name__)
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    state = _driver_attribute(err, "sqlstate")
    if state == DATABASE_MISSING:
        return t(language, "cli.db_missing", server=server, database=url.database or "",
                 config=config.path)
    if state in LOGIN_REFUSED:
        return t(language, "cli.db_login_refused", server=server, user=url.username or "")
    if isinstance(err, OSError):
        return t(language, "cli.db_no_answer", server=server)
    return t(language, "cli.db_unreachable", storage=url.drivername,
             detail=err.__class__.__name__)


def missing_database(config: Config) -> str | None:
    """The SQLite file ``config`` names, when it does not exist (or is only in memory): where
    nothing was ever stored. None for PostgreSQL, whose server says so itself."""
    url = make_url(config.storage_url)
    if not url.drivername.startswith("sqlite"):
        return None
    database = url.database or ""
    if database in ("", ":memory:"):
        return ":memory:"
    return None if Path(database).is_file() else database
