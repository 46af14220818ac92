"""One input line while the player is on Zalo (``:zalo``, ``:group zalo N``): what it becomes
on the OA emulator's side, as Zalo would deliver it to the bot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from emulators.zalo_oa.world import ZaloGroup

from . import commands as cmd
from .zalo_oa import ShellZalo

Write = Callable[[str], None]
Translate = Callable[..., str]
QUERY_BUTTONS = ("oa.query.hide", "oa.query.show")  # a press sends the button's payload back
OK = 200


@dataclass(frozen=True)
class ZaloSeat:
    """Where the player is on Zalo: the resident's 1:1 chat with the OA, or an OA group."""

    group: ZaloGroup | None = None


def seat_in_group(zalo: ShellZalo, name: str, write: Write, tr: Translate) -> ZaloSeat | None:
    """The seat in OA group ``name`` (its number in :who, or a part of its name); None, with
    the choices printed, if there is no such group."""
    group = zalo.find_group(name)
    if group is None:
        choices = ", ".join(f"zalo {n} ({g.name})" for n, g in enumerate(zalo.groups, 1))
        write(tr("shell.unknown_group", name=f"zalo {name}", choices=choices))
        return None
    return ZaloSeat(group)


async def act_on_zalo(zalo: ShellZalo, seat: ZaloSeat, command: cmd.ShellCommand,
                      write: Write, tr: Translate) -> bool:
    """Post the event for ``command``; False (with the reason printed) when nothing reached
    the bot, so there is nothing to wait for."""
    if isinstance(command, cmd.Press) and seat.group is None:
        return await _press(zalo, command.number, write, tr)
    if isinstance(command, cmd.SayText):
        status = await zalo.text(command.text, seat.group)
    elif isinstance(command, cmd.SendPhoto) and seat.group is None:
        status = await zalo.photo(command.caption)
    elif isinstance(command, cmd.SendLocation) and seat.group is None:
        status = await zalo.location(command.latitude, command.longitude)
    else:
        write(tr("shell.zalo.not_here"))
        return False
    return _reached(status, write, tr)


async def _press(zalo: ShellZalo, number: int, write: Write, tr: Translate) -> bool:
    """A button of the newest OA message with buttons: a query button sends its payload back
    as the person's text (Zalo's ``oa.query.*``), a link button is only shown."""
    buttons = zalo.latest_buttons()
    if not buttons:
        write(tr("shell.no_buttons_yet"))
        return False
    if not 1 <= number <= len(buttons):
        write(tr("shell.no_button", number=number, count=len(buttons)))
        return False
    button = buttons[number - 1]
    payload = button.get("payload")
    if button.get("type") not in QUERY_BUTTONS or not isinstance(payload, str):
        url = payload.get("url", "") if isinstance(payload, dict) else ""
        write(tr("shell.button_link", number=number, url=url))
        return False
    return _reached(await zalo.text(payload, None), write, tr)


def _reached(status: int | None, write: Write, tr: Translate) -> bool:
    if status is None:
        write(tr("shell.zalo.off"))
        return False
    if status != OK:
        write(tr("shell.zalo.refused", status=status))
    return True
