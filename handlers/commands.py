"""The command table of SPEC §7 in Telegram: ``guard(name)``, the decorator a command's handler
(or a button that does what the command does) wears.

The table and the rule are ``org.permissions``: ``/help``, ``setMyCommands`` and the refusals all
read it, so a handler is refused exactly when /help and the menu leave it out.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.access import Callback, requires
from org.permissions import COMMANDS, CommandSpec, Place, command_spec, commands_for

__all__ = ["COMMANDS", "CommandSpec", "Place", "command_spec", "commands_for", "guard"]


def guard(name: str) -> Callable[[Callback], Callback]:
    """``requires`` with the role and place of the command's row."""
    permission = command_spec(name).permission
    return requires(permission.role, place=permission.place)
