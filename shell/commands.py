"""The shell's own commands: a line that starts with ``:`` is for the shell, any other line is a
message to the bot from the person being played, in the chat they are in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class SayText:
    text: str


@dataclass(frozen=True)
class PlayAs:
    who: str


@dataclass(frozen=True)
class GoPrivate:
    """Back to the private chat with the bot (``:private``)."""


@dataclass(frozen=True)
class GoGroup:
    name: str


@dataclass(frozen=True)
class NewGroup:
    title: str


@dataclass(frozen=True)
class Press:
    number: int


@dataclass(frozen=True)
class AdvanceTime:
    delta: timedelta


@dataclass(frozen=True)
class SendPhoto:
    caption: str


@dataclass(frozen=True)
class SendFile:
    path: str
    caption: str


@dataclass(frozen=True)
class SendLocation:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class TextFromPhone:
    """Be someone texting the gateway phone from ``number`` (``:sms 0901234567``)."""

    number: str


@dataclass(frozen=True)
class ListPhones:
    """The numbers that texted the gateway phone or got SMS from it (``:sms``)."""


@dataclass(frozen=True)
class ShowHelp:
    """List the shell's commands (``:help``)."""


@dataclass(frozen=True)
class ShowCast:
    """List the people and groups (``:who``)."""


@dataclass(frozen=True)
class Quit:
    """End the session (``:quit``)."""


@dataclass(frozen=True)
class UnknownCommand:
    command: str


@dataclass(frozen=True)
class BadUsage:
    command: str  # the catalogue has its syntax under ``shell.usages.<command>``


ShellCommand = (SayText | PlayAs | GoPrivate | GoGroup | NewGroup | Press | AdvanceTime | SendPhoto
                | SendFile | SendLocation | TextFromPhone | ListPhones | ShowHelp | ShowCast
                | Quit | UnknownCommand | BadUsage)

_DELTA = re.compile(r"\+?((?:\d+[dhm])+)")
_DELTA_PART = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_delta(text: str) -> timedelta | None:
    """``+3d``, ``+2h``, ``+30m``, or several at once (``+1d12h``); None if not that shape."""
    match = _DELTA.fullmatch(text.strip().lower())
    if match is None:
        return None
    delta = timedelta()
    for amount, unit in _DELTA_PART.findall(match.group(1)):
        delta += timedelta(**{_UNITS[unit]: int(amount)})
    return delta if delta > timedelta() else None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_line(line: str) -> ShellCommand:
    """What one input line asks for. ``::text`` sends ``:text`` to the bot."""
    if not line.startswith(":"):
        return SayText(line)
    if line.startswith("::"):
        return SayText(line[1:])
    name, _, rest = line[1:].strip().partition(" ")
    name, rest = name.lower(), rest.strip()
    simple = {"private": GoPrivate(), "help": ShowHelp(), "who": ShowCast(), "quit": Quit(),
              "exit": Quit(), "photo": SendPhoto(rest)}
    if name in simple:
        return simple[name]
    if name == "zalo":  # the short form of ":as resident@zalo"
        return BadUsage("zalo") if rest else PlayAs("resident@zalo")
    if name == "sms":
        return TextFromPhone(rest) if rest else ListPhones()
    if name == "as":
        return PlayAs(rest.lower()) if rest else BadUsage("as")
    if name == "group":
        return GoGroup(rest) if rest else BadUsage("group")
    if name == "newgroup":
        return NewGroup(rest) if rest else BadUsage("newgroup")
    if name == "press":
        return Press(int(rest)) if rest.isdigit() else BadUsage("press")
    if name == "time":
        delta = parse_delta(rest)
        return AdvanceTime(delta) if delta is not None else BadUsage("time")
    if name == "file":
        path, _, caption = rest.partition(" ")
        return SendFile(path, caption.strip()) if path else BadUsage("file")
    if name == "location":
        parts = [_float(part) for part in rest.split()]
        if len(parts) == 2 and parts[0] is not None and parts[1] is not None:
            return SendLocation(parts[0], parts[1])
        return BadUsage("location")
    return UnknownCommand(":" + name)
