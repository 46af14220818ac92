"""Load and validate ``config.toml`` (SPEC §9, §12) into a :class:`Config`.

Every problem is collected (a wrong type, an unknown key, a unit whose parent does not exist, a
bad schedule, a missing token variable) and reported at once as ``FILE: KEY: problem`` before
anything starts, one line per key, every word in the config's language. Secrets never live in the
file: it names the environment variables that hold them.

The units and staff tables are read in ``bot.config_org``, the ``[telegram]`` table in
``bot.config_telegram``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.config_ops import read_ops
from bot.config_org import read_staff, read_units, require_units_and_an_admin
from bot.config_reader import ConfigProblem, ProblemLog, TableReader
from bot.config_sms import read_sms
from bot.config_telegram import read_telegram
from bot.config_zalo import read_zalo_oa
from bot.config_zalo_bot import read_zalo_bot
from core.config_model import (
    DEFAULT_CATEGORIES,
    DEFAULT_OUTCOME_KINDS,
    NOTIFY_CHOICES,
    OTHER_CATEGORY,
    BotSettings,
    BulletinSettings,
    Category,
    Config,
    OutcomeKind,
    TipSettings,
)
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from core.localized import render_params
from core.quiet_hours import parse_quiet_hours
from core.schedule_spec import parse_schedule_spec

# tomllib's messages end with the place of the mistake; the rest of the message is English.
TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")
KEY_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
DURATION = re.compile(r"^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$")
MIN_SECRET_BYTES = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """The config cannot be used; ``lines()`` renders each problem for the operator."""

    def __init__(self, path: Path, problems: list[ConfigProblem], language: str) -> None:
        super().__init__(f"{len(problems)} problem(s) in {path}")
        self.path = path
        self.problems = problems
        self.language = language

    def lines(self) -> list[str]:
        return [f"{self.path}: {p.key}: {self._words(p)}" for p in self.problems]

    def _words(self, problem: ConfigProblem) -> str:
        params = render_params(problem.params, self.language)
        return t(self.language, f"config.{problem.message_key}", **params)


def _unreadable(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "file_missing"
    if isinstance(err, PermissionError):
        return "file_forbidden"
    if isinstance(err, IsADirectoryError):
        return "file_is_folder"
    return "file_unreadable"


def parse_duration(text: str) -> timedelta:
    match = DURATION.match(text.strip().lower())
    if not text.strip() or not match or not any(match.groups()):
        raise ValueError(text)
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def load_config(path: Path, environ: Mapping[str, str], *, need_token: bool = True,
                language: str = DEFAULT_LANGUAGE) -> Config:
    """Read, validate and return the config, or raise :class:`ConfigError` with every problem.

    ``language`` words the problems found before the file's own ``bot.language`` is known (no
    file, not TOML)."""
    log = ProblemLog()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        log.add("-", _unreadable(err), errno=err.errno or 0)
        raise ConfigError(path, log.problems, language) from None
    except UnicodeDecodeError:
        log.add("-", "not_utf8")
        raise ConfigError(path, log.problems, language) from None
    except tomllib.TOMLDecodeError as err:
        place = TOML_PLACE.search(str(err))
        if place:
            log.add("-", "not_toml_at", line=int(place[1]), column=int(place[2]))
        else:
            log.add("-", "not_toml")
        raise ConfigError(path, log.problems, language) from None

    root = TableReader(document, "", log)
    bot = _read_bot(root.sub_table("bot"), path.parent)
    telegram = read_telegram(root.sub_table("telegram"), environ, need_token)
    storage_url = _read_storage(root.sub_table("storage"), bot.data_dir, path.parent)
    secret_key_env = _read_security(root.sub_table("security"), environ)
    unit_tables = root.array_of_tables("units")
    units, declared_codes = read_units(unit_tables, log)
    staff_tables = root.array_of_tables("staff")
    staff = read_staff(staff_tables, declared_codes)
    require_units_and_an_admin(root, unit_tables, staff_tables)
    bulletins = _read_bulletins(root.sub_table("bulletins"))
    tips = _read_tips(root.sub_table("tips"), log)
    outcome_kinds = _read_outcomes(root.sub_table("outcomes"), log)
    reports = root.sub_table("reports")
    weekly_report = reports.parsed("weekly", parse_schedule_spec, "mon 07:30", "bad_schedule")
    reports.finish()
    zalo_oa = read_zalo_oa(root, environ, need_token)
    zalo_bot = read_zalo_bot(root, environ, need_token)
    sms = read_sms(root, environ, need_token)
    ops = read_ops(root, "ops")
    root.finish()

    if log.problems:
        raise ConfigError(path, log.problems, bot.language)
    return Config(
        path=path, bot=bot, telegram=telegram, storage_url=storage_url,
        secret_key_env=secret_key_env, units=units, staff=staff, bulletins=bulletins,
        tips=tips, outcome_kinds=outcome_kinds, weekly_report=weekly_report, zalo_oa=zalo_oa,
        sms=sms, ops=ops, zalo_bot=zalo_bot,
    )


def _read_bot(table: TableReader, base_dir: Path) -> BotSettings:
    language = table.choice("language", LANGUAGES, DEFAULT_LANGUAGE)
    tz_name = table.value("timezone", str, "Asia/Ho_Chi_Minh")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        table.problem("timezone", "bad_timezone", value=tz_name)
        timezone = ZoneInfo("Asia/Ho_Chi_Minh")
    data_dir = base_dir / table.value("data_dir", str, "data")
    typed_level = table.value("log_level", str, "INFO")
    log_level = typed_level.upper()
    if log_level not in LOG_LEVELS:
        table.problem("log_level", "not_one_of", value=typed_level, choices=", ".join(LOG_LEVELS))
        log_level = "INFO"
    table.finish()
    return BotSettings(language, timezone, data_dir, log_level)


def _read_storage(table: TableReader, data_dir: Path, base_dir: Path) -> str:
    default = f"sqlite+aiosqlite:///{data_dir / 'bot.db'}"
    raw = table.value("url", str, default)
    table.finish()
    try:
        url = make_url(raw)
    except ArgumentError:
        table.problem("url", "bad_storage_url", value=raw)
        return default
    if url.drivername == "sqlite+aiosqlite":
        return _absolute_sqlite_url(url, base_dir)
    if url.drivername != "postgresql+asyncpg":
        table.problem("url", "bad_storage_driver", value=url.drivername)
        return default
    return raw


def _absolute_sqlite_url(url: URL, base_dir: Path) -> str:
    # A relative SQLite path means "next to config.toml", not "wherever the service started".
    database = url.database or ""
    if database and database != ":memory:" and not Path(database).is_absolute():
        url = url.set(database=str(base_dir / database))
    return url.render_as_string(hide_password=False)


def _read_security(table: TableReader, environ: Mapping[str, str]) -> str:
    secret_env = table.value("secret_key_env", str, "BOT_SECRET_KEY")
    secret = environ.get(secret_env)
    if secret is not None and len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        table.problem("secret_key_env", "secret_too_short", variable=secret_env,
                      minimum=MIN_SECRET_BYTES)
    table.finish()
    return secret_env


def _read_bulletins(table: TableReader) -> BulletinSettings:
    schedule = table.parsed("schedule", parse_schedule_spec, "mon,thu 08:00", "bad_schedule")
    weekly_target = table.positive_int("weekly_target", 2, allow_zero=True)
    quiet_hours = table.parsed("quiet_hours", parse_quiet_hours, "22:00-06:00", "bad_quiet_hours")
    misfire_grace = table.parsed("misfire_grace", parse_duration, "6h", "bad_duration")
    paid_broadcast = table.value("paid_broadcast", bool, False)
    table.finish()
    return BulletinSettings(schedule, weekly_target, quiet_hours, misfire_grace, paid_broadcast)


def _read_tips(table: TableReader, log: ProblemLog) -> TipSettings:
    max_per_hour = table.positive_int("max_per_hour", 5)
    max_per_day = table.positive_int("max_per_day", 20)
    if table.ok("max_per_hour", "max_per_day") and max_per_day < max_per_hour:
        table.problem("max_per_day", "day_below_hour", day=max_per_day, hour=max_per_hour)
    block_days = table.positive_int("block_days", 30)
    followup_days = table.positive_int("followup_days", 30)
    max_followups_per_hour = table.positive_int("max_followups_per_hour", 10)
    notify = table.choice("notify", NOTIFY_CHOICES, "unit_and_parent")
    similar_days = table.positive_int("similar_days", 14)
    similar_suggest = _fraction(table, "similar_suggest", 0.75)
    similar_auto_merge = _fraction(table, "similar_auto_merge", 0.0, allow_zero=True)
    if (table.ok("similar_suggest", "similar_auto_merge") and similar_auto_merge
            and similar_auto_merge < similar_suggest):
        table.problem("similar_auto_merge", "auto_merge_below_suggest",
                      value=similar_auto_merge, suggest=similar_suggest)
    declared = table.array_of_tables("categories")
    table.finish()
    if "categories" in table.table:
        categories = _read_keyed(declared, log, lambda r, key, label: Category(key, label))
    else:
        categories = [Category(key, None) for key in DEFAULT_CATEGORIES]
    # SPEC §12: "other" always exists, even when the file replaces the defaults.
    if all(c.key != OTHER_CATEGORY for c in categories):
        categories.append(Category(OTHER_CATEGORY, None))
    return TipSettings(max_per_hour, max_per_day, block_days, followup_days, notify,
                       tuple(categories), max_followups_per_hour, similar_days, similar_suggest,
                       similar_auto_merge)


def _fraction(table: TableReader, key: str, default: float, *, allow_zero: bool = False) -> float:
    """A score from 0 to 1 (``0.75``; ``1`` is taken too). With ``allow_zero``, 0 turns off what
    the score would start."""
    raw = table.table.get(key)
    whole = isinstance(raw, int) and not isinstance(raw, bool)
    value = float(table.value(key, int, 0) if whole else table.value(key, float, default))
    if not table.ok(key):
        return default
    if value > 1 or value < 0 or (value == 0 and not allow_zero):
        table.problem(key, "not_a_fraction_or_zero" if allow_zero else "not_a_fraction",
                      value=raw)
        return default
    return value


def _read_outcomes(table: TableReader, log: ProblemLog) -> tuple[OutcomeKind, ...]:
    declared = table.array_of_tables("kinds")
    table.finish()
    if "kinds" not in table.table:
        return tuple(OutcomeKind(key, None, None) for key in DEFAULT_OUTCOME_KINDS)

    def build(reader: TableReader, key: str, label: str) -> OutcomeKind:
        return OutcomeKind(key, label, reader.value("unit", str, "") or None)

    return tuple(_read_keyed(declared, log, build))


def _read_keyed(tables: list[TableReader], log: ProblemLog, build):  # noqa: ANN001
    """Tables with a ``key`` and a ``label`` (categories, outcome kinds); keys must be unique."""
    items = []
    seen: set[str] = set()
    for table in tables:
        key = table.required("key", str, "")
        label = table.required("label", str, "")
        item = build(table, key, label.strip())
        table.finish()
        if key and not KEY_NAME.match(key):
            table.problem("key", "bad_key", value=key)
        elif key in seen:
            table.problem("key", "duplicate_key", value=key)
        elif key and label.strip():
            seen.add(key)
            items.append(item)
        elif key:
            table.problem("label", "empty")
    return items
