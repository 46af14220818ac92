"""The shell's conversation: who is typing, in which chat, and what each input line does.

Every line runs to completion before its output is printed: it is handed to the emulator as
that person's message (or button press, photo, clock move), the bot is left to settle, and then
everything the bot sent is printed in the order it sent it. That makes a scripted session's
transcript repeatable; only copies of one bulletin to several groups may swap places, since the
delivery engine sends them in parallel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from core.i18n import t
from org.phone_numbers import PhoneNumber

from . import commands as cmd
from .cast import RESIDENT, Group, Person, add_group, read_registrations
from .launch import ShellWorld
from .render import BotTranscript
from .telegram_turns import TelegramTurn
from .time_moves import move_clock
from .zalo_turns import ZaloSeat, act_on_zalo, seat_in_group

Write = Callable[[str], None]
SETTLE_SECONDS = 30.0
ZALO_GROUP = re.compile(r"zalo[\s:]+(.+)", re.IGNORECASE)
TO_THE_BOT = (cmd.SayText, cmd.Press, cmd.SendPhoto, cmd.SendFile, cmd.SendLocation)


class ShellSession:
    def __init__(self, world: ShellWorld, write: Write, files_dir: Path) -> None:
        self.world = world
        self.language = world.config.language
        self._write = write
        self.transcript = BotTranscript(world.fake, world.cast, self.language, files_dir)
        self.transcript.skip_to_now()
        self.person: Person = world.cast.people[RESIDENT]
        self.group: Group | None = None
        # Set: the person is someone texting the gateway phone from this number (:sms).
        self.phone_number: PhoneNumber | None = None
        world.phone.skip_to_now()
        # Set: the person is the resident on Zalo, with the OA or in an OA group (:zalo).
        self.zalo_seat: ZaloSeat | None = None
        world.zalo.skip_to_now()

    def tr(self, key: str, /, **params: object) -> str:
        return t(self.language, key, **params)

    # ---- what the console shows around the conversation -----------------------------------
    def place(self) -> str:
        if self.zalo_seat is not None and self.zalo_seat.group is not None:
            return self.tr("shell.zalo.group_place", title=self.zalo_seat.group.name)
        if self.zalo_seat is not None:
            return self.tr("shell.zalo.place")
        if self.phone_number is not None:
            return self.tr("shell.sms.place")
        if self.group is None:
            return self.tr("shell.private_place")
        return self.tr("shell.group_place", title=self.group.title)

    def speaker(self) -> str:
        if self.zalo_seat is not None:
            return self.tr("shell.zalo.person", name=self.world.zalo.resident.name)
        if self.phone_number is not None:
            return self.tr("shell.sms.person", number=self.phone_number.national)
        return self.person.name

    def prompt(self) -> str:
        return self.tr("shell.prompt", name=self.speaker(), place=self.place())

    def echo(self, line: str) -> str:
        return self.tr("shell.echo", name=self.speaker(), place=self.place(), line=line)

    def format_time(self, instant: datetime) -> str:
        local = instant.astimezone(self.world.config.timezone)
        weekday = self.tr("shell.weekdays").split(",")[local.weekday()]
        return f"{weekday} {local:%d/%m/%Y %H:%M}"

    async def intro(self, data_dir: Path) -> None:
        world = self.world
        self._write(self.tr("shell.title"))
        self._write(self.tr("shell.data_dir", path=data_dir))
        key = "shell.demo_config" if world.demo else "shell.own_config"
        self._write(self.tr(key, path=world.config_path))
        self._write(self.tr("shell.clock", time=self.format_time(world.clock.now()),
                            zone=world.config.timezone.key))
        await self.show_cast()
        self._write(self.tr("shell.hint", name=self.person.name))

    async def show_cast(self) -> None:
        services = self.world.running.services
        tree, groups = services.directory.tree, self.world.cast.groups
        self._write(self.tr("shell.people"))
        for person in self.world.cast.people.values():
            unit = tree.find(person.unit_code or "")
            role = self.tr(f"shell.roles.{person.role}", unit=unit.name if unit else "")
            self._write(self.tr("shell.person_line", key=person.key, name=person.name, role=role))
        await read_registrations(services.db, groups)
        self._write(self.tr("shell.groups") if groups else self.tr("shell.no_groups"))
        for group in groups:
            unit = tree.find(group.unit_code or "")
            if unit is None:
                self._write(self.tr("shell.group_unregistered", number=group.number,
                                    title=group.title))
            else:
                self._write(self.tr("shell.group_line", number=group.number, title=group.title,
                                    unit=unit.name))
            if group.planned_unit and group.unit_code is None:
                self._write(self.tr("shell.group_not_registered", title=group.title,
                                    unit=group.planned_unit))
        for line in self.world.zalo.cast_lines(self.tr):
            self._write(line)

    def print_bot_output(self) -> int:
        for line in (lines := self.all_new_lines()):
            self._write(line)
        return len(lines)

    def all_new_lines(self) -> list[str]:
        """What the bot sent since the last call: on Telegram, by SMS, on Zalo."""
        return (self.transcript.new_lines() + self.world.phone.new_lines(self.tr)
                + self.world.zalo.new_lines(self.tr))

    async def settle_and_print(self) -> int:
        settled = await self.world.settling.settle(SETTLE_SECONDS)
        printed = self.print_bot_output()
        if not settled:
            self._write(self.tr("shell.settle_timeout", seconds=int(SETTLE_SECONDS)))
        return printed

    # ---- one input line -------------------------------------------------------------------
    async def handle(self, line: str) -> bool:
        """Run one line and print its outcome; False when the line asks to quit."""
        command = cmd.parse_line(line)
        if isinstance(command, cmd.Quit):
            return False
        if isinstance(command, cmd.AdvanceTime):
            await self.advance_time(command)
            return True
        if isinstance(command, TO_THE_BOT) and self.zalo_seat is not None:
            if (await act_on_zalo(self.world.zalo, self.zalo_seat, command, self._write, self.tr)
                    and not await self.settle_and_print()):
                self._write(self.tr("shell.nothing_new"))
            return True
        if isinstance(command, cmd.SayText) and self.phone_number is not None:
            await self.world.phone.text_from(self.phone_number, command.text)
            if not await self.settle_and_print():
                self._write(self.tr("shell.nothing_new"))
            return True
        if isinstance(command, TO_THE_BOT) and self.phone_number is not None:
            self._write(self.tr("shell.sms.text_only"))
            return True
        if isinstance(command, TO_THE_BOT):
            if self.act(command) and not await self.settle_and_print():
                self._write(self.tr("shell.nothing_new"))
            return True
        if isinstance(command, cmd.ShowCast):
            await self.show_cast()
            return True
        if isinstance(command, cmd.NewGroup):
            self.phone_number, self.zalo_seat = None, None
            await self.new_group(command.title)
            return True
        if isinstance(command, cmd.TextFromPhone | cmd.ListPhones):
            self.sms_only(command)
            return True
        self.shell_only(command)
        return True

    async def new_group(self, title: str) -> None:
        """A group the person creates and adds the bot to: where ``/register`` can be tried."""
        cast = self.world.cast
        self.group = add_group(self.world.fake, cast.groups, title, 10, self.person.user)
        self._write(self.tr("shell.now_in", place=self.place()))
        await self.settle_and_print()

    def sms_only(self, command: cmd.TextFromPhone | cmd.ListPhones) -> None:
        phone = self.world.phone
        if isinstance(command, cmd.ListPhones):
            lines = phone.numbers(self.tr)
            self._write(self.tr("shell.sms.numbers") if lines else self.tr("shell.sms.no_numbers"))
            for line in lines:
                self._write(line)
            return
        number = phone.number(command.number)
        if not isinstance(number, PhoneNumber):
            self._write(self.tr("shell.sms.bad_number",
                                reason=self.tr(f"phone.problem.{number.problem.value}")))
            return
        self.phone_number, self.zalo_seat = number, None
        self._write(self.tr("shell.now_as", name=self.speaker(), place=self.place()))

    def shell_only(self, command: cmd.ShellCommand) -> None:
        cast = self.world.cast
        if isinstance(command, cmd.ShowHelp):
            self._write(self.tr("shell.help"))
        elif isinstance(command, cmd.PlayAs) and command.who == "resident@zalo":
            self.phone_number, self.zalo_seat = None, ZaloSeat()
            self._write(self.tr("shell.now_as", name=self.speaker(), place=self.place()))
        elif isinstance(command, cmd.PlayAs):
            person = cast.people.get(command.who)
            if person is None:
                self._write(self.tr("shell.unknown_person", who=command.who,
                                    choices=", ".join([*cast.people, "resident@zalo"])))
                return
            self.person = person
            self.phone_number, self.zalo_seat = None, None  # back on Telegram
            self._write(self.tr("shell.now_as", name=person.name, place=self.place()))
        elif isinstance(command, cmd.GoPrivate):
            self.group = None
            self.phone_number, self.zalo_seat = None, None
            self._write(self.tr("shell.now_in", place=self.place()))
        elif isinstance(command, cmd.GoGroup) and zalo_group_name(command.name) is not None:
            self.go_zalo_group(zalo_group_name(command.name) or "")
        elif isinstance(command, cmd.GoGroup):
            group = cast.find_group(command.name)
            if group is None:
                choices = ", ".join(f"{g.number} ({g.title})" for g in cast.groups)
                self._write(self.tr("shell.unknown_group", name=command.name, choices=choices))
                return
            self.group = group
            self.phone_number, self.zalo_seat = None, None
            self._write(self.tr("shell.now_in", place=self.place()))
        elif isinstance(command, cmd.BadUsage):
            self._write(self.tr("shell.usage", usage=self.tr(f"shell.usages.{command.command}")))
        elif isinstance(command, cmd.UnknownCommand):
            self._write(self.tr("shell.unknown_command", command=command.command))

    def go_zalo_group(self, name: str) -> None:
        """``:group zalo N``: the resident in an OA group, seeing what the OA posts there."""
        seat = seat_in_group(self.world.zalo, name, self._write, self.tr)
        if seat is not None:
            self.phone_number, self.zalo_seat = None, seat
            self._write(self.tr("shell.now_in", place=self.place()))

    def act(self, command: cmd.ShellCommand) -> bool:
        """On Telegram (``shell.telegram_turns``); a start link may take the person out of
        the group into their private chat."""
        turn = TelegramTurn(self.world.fake, self.person, self.group, self._write, self.tr)
        acted = turn.act(command)
        self.group = turn.group
        return acted

    async def advance_time(self, command: cmd.AdvanceTime) -> None:
        """Run every job due on the way, at its own time, then stop at the end time."""
        await move_clock(self.world, command.delta, self.all_new_lines, self._write, self.tr,
                         self.format_time, settle_seconds=SETTLE_SECONDS)


def zalo_group_name(name: str) -> str | None:
    """``zalo 1`` / ``zalo:1`` → ``1``; None for a Telegram group's name."""
    match = ZALO_GROUP.fullmatch(name.strip())
    return match.group(1).strip() if match else None
