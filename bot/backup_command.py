"""``python -m bot backup --out FILE`` and ``python -m bot restore FILE [--force]`` (SPEC §14).

The work is ``storage.backup``'s; this module says what happened in the operator's language and
adds the two things only the bot knows: where the secret key lives (never in the backup, needed
to restore follow-up links) and whether a bot is running on the SQLite file (a restore waits for
it to stop: ``ops.run_lock``). After a restore the schema is brought to this release's revision.
Exit status as in ``bot.cli``: 0 done, 1 refused or failed, the reason on standard error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.secret_key import KEY_FILE_NAME
from bot.storage_failure import storage_failure_message, storage_failures
from core.config_model import Config
from core.i18n import t
from ops.run_lock import AlreadyRunning, take_run_lock
from storage.backup import (
    BackupError,
    check_backup_matches,
    restore_backup,
    tables_in_use,
    write_backup,
)
from storage.db import open_database
from storage.migrate import current_revision, upgrade_to_head

EXIT_OK, EXIT_FAILED = 0, 1


def add_backup_commands(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                        config_option: argparse.ArgumentParser, language: str) -> None:
    """``backup`` and ``restore`` on ``python -m bot``'s parser (``bot.cli``)."""
    backup = commands.add_parser("backup", parents=[config_option],
                                 help=t(language, "ops.cli.backup_help"))
    backup.add_argument("--out", metavar="FILE", type=Path, required=True,
                        help=t(language, "ops.cli.backup_out_help"))
    restore = commands.add_parser("restore", parents=[config_option],
                                  help=t(language, "ops.cli.restore_help"))
    restore.add_argument("file", metavar="FILE", type=Path,
                         help=t(language, "ops.cli.restore_file_help"))
    restore.add_argument("--force", action="store_true",
                         help=t(language, "ops.cli.restore_force_help"))


def _key_place(config: Config, environ: Mapping[str, str]) -> str:
    if config.secret_key_env in environ:
        return t(config.language, "ops.key_in_variable", variable=config.secret_key_env)
    return t(config.language, "ops.key_in_file", path=config.bot.data_dir / KEY_FILE_NAME)


def _refused(config: Config, err: BackupError | AlreadyRunning) -> int:
    print(t(config.language, err.message_key, **err.params), file=sys.stderr)
    return EXIT_FAILED


async def run_backup(config: Config, out: Path, environ: Mapping[str, str]) -> int:
    try:
        written = await asyncio.to_thread(write_backup, config.storage_url, out)
    except BackupError as err:
        return _refused(config, err)
    except OSError as err:
        print(t(config.language, "ops.backup.not_written", path=out, detail=err.strerror or err),
              file=sys.stderr)
        return EXIT_FAILED
    print(t(config.language, "ops.backup.written", path=written.path, size=written.size,
            kind=written.kind))
    print(t(config.language, "ops.backup.key_not_included", place=_key_place(config, environ)))
    return EXIT_OK


async def run_restore(config: Config, backup: Path, *, force: bool,
                      environ: Mapping[str, str]) -> int:
    try:
        check_backup_matches(config.storage_url, backup)
        lock = take_run_lock(config.storage_url)  # held until the restore is over
    except (BackupError, AlreadyRunning) as err:
        if isinstance(err, AlreadyRunning):
            err = BackupError("ops.restore.bot_running", **err.params)
        return _refused(config, err)
    try:
        return await _restore(config, backup, force=force, environ=environ)
    finally:
        if lock is not None:
            lock.release()


async def _restore(config: Config, backup: Path, *, force: bool,
                   environ: Mapping[str, str]) -> int:
    try:
        db = open_database(config.storage_url, timezone=config.timezone.key)
        try:
            in_use = await tables_in_use(db)
        finally:
            await db.close()
        if in_use and not force:
            raise BackupError("ops.restore.not_empty", tables=len(in_use),
                              names=", ".join(in_use[:5]))
        await asyncio.to_thread(restore_backup, config.storage_url, backup)
        db = open_database(config.storage_url, timezone=config.timezone.key)
        try:
            await upgrade_to_head(db)
            revision = await current_revision(db)
        finally:
            await db.close()
    except BackupError as err:
        return _refused(config, err)
    except storage_failures() as err:
        print(storage_failure_message(config, err), file=sys.stderr)
        return EXIT_FAILED
    print(t(config.language, "ops.restore.done", path=backup, revision=revision))
    print(t(config.language, "ops.restore.key_needed", place=_key_place(config, environ)))
    return EXIT_OK
