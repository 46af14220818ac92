"""``python -m bot shell``: the terminal around a shell session.

On a terminal it is a conversation with a prompt, and bot messages that arrive later (a notice,
a delivery summary) are printed as they come. When standard input is not a terminal it reads
the same commands line by line, echoes each one and prints what the bot sent after it settled:
a transcript, the same on every run, that tests and the README use.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError
from bot.logging import configure_logging
from bot.secret_key import SecretKeyError
from core.i18n import t

from .launch import ShellOptions, ShellWorld, launch
from .log_secrets import ShellSecretsFilter
from .session import ShellSession, Write

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
COMMENT = "#"


class LineReader:
    """Standard input read in a daemon thread, one line when asked: the bot keeps running
    while the person types, and an unfinished ``input()`` never holds up leaving."""

    def __init__(self, interactive: bool) -> None:
        self._interactive = interactive
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Event()
        self._prompt = ""
        threading.Thread(target=self._read, name="shell-stdin", daemon=True).start()

    def _read(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            line: str | None
            try:
                line = input(self._prompt) if self._interactive else sys.stdin.readline()
            except (EOFError, OSError):
                line = None
            if line == "" and not self._interactive:
                line = None  # readline() gives "" only at the end of the input
            self._loop.call_soon_threadsafe(self._lines.put_nowait,
                                            None if line is None else line.rstrip("\r\n"))
            if line is None:
                return

    async def next_line(self, prompt: str = "") -> str | None:
        self._prompt = prompt
        self._wanted.set()
        return await self._lines.get()


async def run_script(session: ShellSession, lines: Iterable[str], write: Write) -> None:
    """Each line echoed, run, and followed by what the bot sent; blank lines and ``#``
    comments are skipped."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(COMMENT):
            continue
        write(session.echo(line))
        if not await session.handle(line):
            return


async def _scripted(session: ShellSession, reader: LineReader, write: Write) -> None:
    while (line := await reader.next_line()) is not None:
        stripped = line.strip()
        if not stripped or stripped.startswith(COMMENT):
            continue
        write(session.echo(stripped))
        if not await session.handle(stripped):
            return


async def _interactive(session: ShellSession, reader: LineReader, out: TextIO) -> None:
    busy = asyncio.Event()  # set while a line runs: its output is printed by the line itself
    changed = session.world.fake.world.changed

    async def print_as_it_comes() -> None:
        while True:
            lines = await changed.wait_for(lambda: None if busy.is_set() else (
                session.transcript.new_lines() or None), 3600.0)
            if lines:
                out.write("\r" + "\n".join(lines) + "\n" + session.prompt())
                out.flush()

    printer = asyncio.create_task(print_as_it_comes())
    try:
        while (line := await reader.next_line(session.prompt())) is not None:
            if not line.strip():
                continue
            busy.set()
            try:
                if not await session.handle(line.strip()):
                    return
            finally:
                busy.clear()
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer


async def _serve(options: ShellOptions, interactive: bool, out: TextIO) -> int:
    def write(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    language = options.language or "vi"
    try:
        world: ShellWorld = await launch(options)
    except ConfigError as err:
        for line in err.lines():
            print(line, file=sys.stderr)
        return EXIT_CONFIG
    except SecretKeyError as err:
        print(t(language, err.message_key, **err.params), file=sys.stderr)
        return EXIT_CONFIG
    except (SQLAlchemyError, OSError) as err:
        # Most likely a --data folder from an older version of the bot: say so in one line.
        print(t(language, "shell.start_failed", path=options.data_dir,
                detail=f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"),
              file=sys.stderr)
        return EXIT_FAILED
    session = ShellSession(world, write, options.data_dir / "files")
    await session.intro(options.data_dir)
    try:
        reader = LineReader(interactive)
        if interactive:
            await _interactive(session, reader, out)
        else:
            await _scripted(session, reader, write)
    finally:
        await world.stop()
        if interactive:
            write("")  # off the prompt line, which Ctrl-C or Ctrl-D leaves unfinished
        write(session.tr("shell.goodbye", path=options.data_dir))
    return EXIT_OK


def run_shell(config_path: Path | None, data_dir: Path | None, language: str | None) -> int:
    """The ``shell`` subcommand; a fresh temporary data folder unless ``--data`` names one."""
    data = (data_dir or Path(tempfile.mkdtemp(prefix="ket-noi-shell-"))).resolve()
    data.mkdir(parents=True, exist_ok=True)
    options = ShellOptions(data_dir=data, config_path=config_path, language=language)
    interactive = sys.stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - line editing and history for input()
    # The bot's own log goes to a file: the terminal is the conversation.
    with (data / "shell.log").open("a", encoding="utf-8") as log_file:
        # The secrets the shell makes up for Zalo and SMS are redacted too (shell.log_secrets).
        configure_logging("INFO", stream=log_file).addFilter(ShellSecretsFilter(options.secrets))
        try:
            return asyncio.run(_serve(options, interactive, sys.stdout))
        except KeyboardInterrupt:  # Ctrl-C: the session's own clean-up has run
            return EXIT_OK
