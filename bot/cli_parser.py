"""An ``argparse`` parser that speaks the configured language.

argparse writes its own headings ("usage:", "options:"), the ``-h`` line and its error messages
in English through gettext; SPEC §12 wants every line a person reads on the command line in one
language. This parser takes those words from the locale catalogue instead. Error messages are
recognised by argparse's own wording (Python 3.11) and re-worded; one argparse never produces
here is answered with a pointer to ``--help`` rather than left in English.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import NoReturn

from core.i18n import t

# argparse's messages, as ``ArgumentParser.error`` receives them (Lib/argparse.py, 3.11).
_REQUIRED = re.compile(r"the following arguments are required: (?P<names>.+)")
_INVALID_CHOICE = re.compile(
    r"argument (?P<argument>\S+): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)")
_UNRECOGNIZED = re.compile(r"unrecognized arguments: (?P<names>.+)")
_EXPECTED_ONE = re.compile(r"argument (?P<argument>\S+): expected one argument")
_INVALID_VALUE = re.compile(r"argument (?P<argument>\S+): invalid \S+ value: (?P<value>.+)")
_PROBLEMS = ((_REQUIRED, "required"), (_INVALID_CHOICE, "invalid_choice"),
             (_UNRECOGNIZED, "unrecognized"), (_EXPECTED_ONE, "expected_one"),
             (_INVALID_VALUE, "invalid_value"))


def reword_problem(language: str, message: str, prog: str) -> str:
    for pattern, key in _PROBLEMS:
        match = pattern.fullmatch(message)
        if match:
            return t(language, f"cli_parser.{key}", **match.groupdict())
    return t(language, "cli_parser.other", prog=prog)


def parser_class(language: str) -> type[argparse.ArgumentParser]:
    """An ``ArgumentParser`` class bound to ``language``; subcommands inherit it."""

    class _Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup],
                      prefix: str | None = None) -> None:
            # argparse asks with prefix "" when it builds a subcommand's prog: keep that empty.
            if prefix is None:
                prefix = t(language, "cli_parser.usage")
            super().add_usage(usage, actions, groups, prefix)

    class LocalizedParser(argparse.ArgumentParser):
        def __init__(self, *args: object, **kwargs: object) -> None:
            add_help = bool(kwargs.pop("add_help", True))
            parents = list(kwargs.pop("parents", None) or [])  # type: ignore[call-overload]
            kwargs["formatter_class"] = _Formatter
            super().__init__(*args, add_help=False, **kwargs)  # type: ignore[arg-type]
            # Titles first, parents after: argparse merges a parent's options into the group
            # of the same title, so both must already carry the translated one.
            self._positionals.title = t(language, "cli_parser.commands")
            self._optionals.title = t(language, "cli_parser.options")
            if add_help:
                self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                                  help=t(language, "cli_parser.help"))
            for parent in parents:
                self._add_container_actions(parent)
                self._defaults.update(parent._defaults)

        def error(self, message: str) -> NoReturn:
            self.print_usage(sys.stderr)
            problem = reword_problem(language, message, self.prog)
            self.exit(2, t(language, "cli_parser.error", prog=self.prog, problem=problem) + "\n")

    return LocalizedParser
