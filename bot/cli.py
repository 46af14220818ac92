"""``python -m bot``: run, check-config, db upgrade, report, audit, backup, restore, shell
(SPEC §8, §14).

Exit status: 0 on success, 2 for a configuration problem (nothing was started), 1 for anything
that failed while running (database or Telegram unreachable).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot.audit_command import add_audit_command, run_audit
from bot.backup_command import add_backup_commands, run_backup, run_restore
from bot.cli_parser import parser_class
from bot.config import ConfigError, load_config
from bot.logging import configure_logging
from bot.receiving import open_webhook_inbox
from bot.report_command import REPORT_FORMATS, run_report
from bot.runtime import prepare_storage, start_bot
from bot.secret_key import SecretKeyError
from bot.storage_failure import storage_failure_message, storage_failures
from bot.zalo_bot_runtime import zalo_bot_secrets
from bot.zalo_runtime import zalo_secrets
from core.clock import SystemClock
from core.config_model import Config
from core.i18n import LANGUAGES, t
from ops.leader import first_set, wait_for_leadership
from ops.role import PROCESS_ROLE
from ops.run_lock import AlreadyRunning, take_run_lock
from ops.server import start_ops
from ops.webhook_inbox import WebhookInbox
from storage.migrate import current_revision

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def _cli_language(environ: Mapping[str, str]) -> str:
    # Before a config is read there is no bot.language; an English locale gets English help.
    return "en" if environ.get("LANG", "").startswith("en") else "vi"


def build_parser(language: str) -> argparse.ArgumentParser:
    parser_type = parser_class(language)
    config_option = parser_type(add_help=False)
    config_option.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                               help=t(language, "cli.config_help"))
    parser = parser_type(prog="python -m bot", parents=[config_option],
                                     description=t(language, "cli.description"))
    commands = parser.add_subparsers(
        dest="command", metavar="{run,check-config,db,report,audit,backup,restore,shell}")
    commands.add_parser("run", parents=[config_option], help=t(language, "cli.run_help"))
    commands.add_parser("check-config", parents=[config_option],
                        help=t(language, "cli.check_help"))
    db = commands.add_parser("db", parents=[config_option], help=t(language, "cli.db_help"))
    db_commands = db.add_subparsers(dest="db_command", metavar="{upgrade}", required=True)
    db_commands.add_parser("upgrade", parents=[config_option],
                           help=t(language, "cli.upgrade_help"))
    report = commands.add_parser("report", parents=[config_option],
                                 help=t(language, "cli.report_help"))
    report.add_argument("--period", required=True, help=t(language, "cli.period_help"))
    report.add_argument("--unit", metavar="CODE", help=t(language, "cli.unit_help"))
    report.add_argument("--format", choices=REPORT_FORMATS, default="json",
                        help=t(language, "cli.format_help"))
    report.add_argument("--out", metavar="PATH", type=Path, help=t(language, "cli.out_help"))
    add_backup_commands(commands, config_option, language)
    add_audit_command(commands, config_option, language)
    shell = commands.add_parser("shell", help=t(language, "cli.shell_help"))
    shell.add_argument("--config", metavar="PATH", type=Path, default=None,
                       help=t(language, "cli.shell_config_help"))
    shell.add_argument("--data", metavar="DIR", type=Path, help=t(language, "cli.shell_data_help"))
    shell.add_argument("--lang", choices=LANGUAGES, help=t(language, "cli.shell_lang_help"))
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    cli_language = _cli_language(environ)
    args = build_parser(cli_language).parse_args(argv)
    config_path = Path(getattr(args, "config", None) or environ.get("BOT_CONFIG")
                       or "config.toml")
    command = args.command or "run"
    if command == "shell":  # its own config: the demo one unless --config names a file
        # Imported here: the shell brings the Telegram emulator, which a running bot never needs.
        from shell.console import run_shell

        return run_shell(args.config, args.data, args.lang)
    need_token = command in ("run", "check-config")
    try:
        config = load_config(config_path, environ, need_token=need_token, language=cli_language)
    except ConfigError as err:
        for line in err.lines():
            print(line, file=sys.stderr)
        return EXIT_CONFIG
    if command == "check-config":
        print(t(config.language, "cli.config_ok", path=config_path, units=len(config.units),
                staff=len(config.staff), storage=_storage_kind(config)))
        return EXIT_OK
    token = environ.get(config.telegram.token_env, "").strip()
    configure_logging(config.bot.log_level, secrets=_secrets_of(config, environ, token))
    if command == "db":
        return asyncio.run(_upgrade(config))
    if command == "backup":
        return asyncio.run(run_backup(config, args.out, environ))
    if command == "restore":
        return asyncio.run(run_restore(config, args.file, force=args.force, environ=environ))
    if command == "audit":
        return asyncio.run(run_audit(config, SystemClock(), args))
    if command == "report":
        return asyncio.run(run_report(config, SystemClock(), period_text=args.period,
                                      unit_code=args.unit, report_format=args.format,
                                      out=args.out))
    return asyncio.run(_run(config, token))


def _secrets_of(config: Config, environ: Mapping[str, str], token: str) -> list[str]:
    """Values no log line may carry: PTB logs request parameters (setWebhook's included)."""
    names = [config.secret_key_env]
    if config.telegram.webhook is not None:
        names.append(config.telegram.webhook.secret_env)
    return [token, *(environ.get(name, "") for name in names), *zalo_secrets(config, environ),
            *zalo_bot_secrets(config, environ)]


def _storage_kind(config: Config) -> str:
    return config.storage_url.split(":", 1)[0]


async def _upgrade(config: Config) -> int:
    try:
        db, _ = await prepare_storage(config, SystemClock())
    except storage_failures() as err:
        print(storage_failure_message(config, err), file=sys.stderr)
        return EXIT_FAILED
    revision = await current_revision(db)
    await db.close()
    print(t(config.language, "cli.db_upgraded", revision=revision))
    return EXIT_OK


async def _run(config: Config, token: str) -> int:
    try:
        run_lock = take_run_lock(config.storage_url)  # SQLite: one bot per file
    except AlreadyRunning as err:
        print(t(config.language, err.message_key, **err.params), file=sys.stderr)
        return EXIT_FAILED
    try:
        return await _serve(config, token)
    finally:
        if run_lock is not None:
            run_lock.release()


async def _serve(config: Config, token: str) -> int:
    """Health and metrics first (a standby answers too), then wait to be the leader (at once
    on SQLite), then run the bot until stopped or until the leader lock is lost."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        ops = await start_ops(config.ops, config.storage_url, config.timezone.key)
    except OSError as err:
        assert config.ops is not None
        print(t(config.language, "ops.cannot_listen", host=config.ops.host, port=config.ops.port,
                detail=err.strerror or err), file=sys.stderr)
        return EXIT_FAILED
    leadership = None
    try:
        # Webhook mode: every process, a standby too, commits Telegram's POSTs to the inbox.
        inbox = await _open_inbox(config)
    except SecretKeyError as err:
        print(t(config.language, err.message_key, **err.params), file=sys.stderr)
        if ops is not None:
            await ops.stop()
        return EXIT_CONFIG
    except OSError as err:
        webhook = config.telegram.webhook
        assert webhook is not None
        print(t(config.language, "ops.cannot_listen_webhook", host=webhook.listen,
                port=webhook.port, detail=err.strerror or err), file=sys.stderr)
        if ops is not None:
            await ops.stop()
        return EXIT_FAILED
    try:
        leadership = await wait_for_leadership(config.storage_url, stop)
        if stop.is_set():  # stopped while a standby
            print(t(config.language, "cli.stopped"), file=sys.stderr)
            status = EXIT_OK
        else:
            PROCESS_ROLE.take("leader")
            status = await _run_bot(config, token, stop,
                                    leadership.lost if leadership is not None else None, inbox)
    except storage_failures() as err:
        print(storage_failure_message(config, err), file=sys.stderr)
        status = EXIT_FAILED
    finally:
        if inbox is not None:
            await inbox.stop()
        if leadership is not None:
            await leadership.release()
        if ops is not None:
            await ops.stop()
    return status


async def _open_inbox(config: Config) -> WebhookInbox | None:
    if config.telegram.mode != "webhook" or config.telegram.webhook is None:
        return None
    return await open_webhook_inbox(config, os.environ, SystemClock())


async def _run_bot(config: Config, token: str, stop: asyncio.Event,
                   lost: asyncio.Event | None, inbox: WebhookInbox | None) -> int:
    try:
        running = await start_bot(config, token, SystemClock(), inbox=inbox)
    except SecretKeyError as err:
        print(t(config.language, err.message_key, **err.params), file=sys.stderr)
        return EXIT_CONFIG
    except InvalidToken:
        print(t(config.language, "cli.token_rejected", variable=config.telegram.token_env),
              file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as err:
        print(t(config.language, "cli.telegram_unreachable",
                url=config.telegram.api_base_url, detail=err.message), file=sys.stderr)
        return EXIT_FAILED
    except storage_failures() as err:
        print(storage_failure_message(config, err), file=sys.stderr)
        return EXIT_FAILED
    # What start-up made (modules, catalogues, the org tree) lives as long as the process: out of
    # every later collection, so a full one no longer lands for 50-100 ms inside a tip's check.
    # Here and not in start_bot: a test process starts many bots and must collect each one.
    gc.freeze()
    try:
        ended = await first_set(stop, lost)
    finally:
        await running.stop()
    if ended is lost:
        # The lock could not be proven held: a standby may take over, so this one stopped.
        print(t(config.language, "ops.leader_lost"), file=sys.stderr)
        return EXIT_FAILED
    print(t(config.language, "cli.stopped"), file=sys.stderr)
    return EXIT_OK
