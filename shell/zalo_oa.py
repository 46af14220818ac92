"""The Zalo OA side of the shell (``:zalo``, ``:as resident@zalo``, ``:group zalo N``): the
commune's Official Account is the Zalo OA emulator, the bot's ``[zalo_oa]`` points at it, and
the person being played may be a resident chatting 1:1 with the OA.

A line the Zalo resident types goes to the bot as a signed ``user_send_text`` webhook event,
stamped with the shell's clock, exactly as Zalo would post it. Every message the bot has the
OA send, to a person (consultation messages, with the buttons the adapter drew) or to an OA
group (GMF: bulletins, alerts), is printed after the line that caused it.

The emulator's time is the shell's clock (:class:`ShellZaloOA`), so ``:time +8d`` closes the
resident's 7-day reply window as a week of silence would in production: an officer's question
then waits for the resident's next message. The app secret, OA secret and refresh token are
made up at each start; the shell passes them to the bot as environment variables that exist
only inside the shell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from core.clock import Clock
from core.config_model import Config, ZaloOASettings
from emulators.zalo_oa import FakeZaloOA
from emulators.zalo_oa.world import SentMessage, ZaloGroup, ZaloUser

from .log_secrets import ShellSecrets

Translate = Callable[..., str]
# The variables the shell's [zalo_oa] names; their values are made up at each start.
APP_SECRET_ENV, OA_SECRET_ENV, REFRESH_TOKEN_ENV = (
    "SHELL_ZALO_APP_SECRET", "SHELL_ZALO_OA_SECRET", "SHELL_ZALO_REFRESH_TOKEN")
WEBHOOK_PATH = "/zalo/webhook"
INDENT = "   "
GROUP_MEMBERS = (42, 35)  # the demo's OA groups, as the group list reports them


class ShellZaloOA(FakeZaloOA):
    """The emulator on the shell's clock: reply windows and token lifetimes move with
    ``:time``, never with the wall clock."""

    def __init__(self, clock: Clock, shell_secrets: ShellSecrets) -> None:
        super().__init__(app_secret=shell_secrets.zalo_app_secret,
                         oa_secret=shell_secrets.zalo_oa_secret)
        # Shared with the shell log's filter, which redacts every token issued here.
        self.tokens = shell_secrets.zalo_tokens
        self._clock = clock

    def now(self) -> float:
        return self._clock.now().timestamp()


def shell_zalo_config(config: Config, zalo: FakeZaloOA) -> Config:
    """``[zalo_oa]`` pointed at the emulator (the file's own table, if any, is replaced: the
    shell always plays the OA); the webhook listens on a free port, read back after start."""
    settings = ZaloOASettings(
        oa_id=zalo.oa_id, app_id=zalo.app_id, app_secret_env=APP_SECRET_ENV,
        oa_secret_env=OA_SECRET_ENV, refresh_token_env=REFRESH_TOKEN_ENV,
        api_base_url=zalo.base_url, oauth_base_url=zalo.base_url,
        webhook_listen="127.0.0.1", webhook_port=0, webhook_path=WEBHOOK_PATH)
    return dataclasses.replace(config, zalo_oa=settings)


def zalo_environ(zalo: FakeZaloOA) -> dict[str, str]:
    return {APP_SECRET_ENV: zalo.app_secret, OA_SECRET_ENV: zalo.oa_secret,
            REFRESH_TOKEN_ENV: zalo.first_refresh_token()}


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons the adapter drew on a consultation message, in the order ``:press`` counts."""
    payload = (message.get("attachment") or {}).get("payload") or {}
    buttons = payload.get("buttons")
    return list(buttons) if isinstance(buttons, list) else []


class ShellZalo:
    """The OA as the shell sees it: its resident, its groups, what it sent."""

    def __init__(self, zalo: ShellZaloOA, resident_name: str, group_names: list[str]) -> None:
        self.emulator = zalo
        self.resident: ZaloUser = zalo.user(resident_name)
        self.groups: list[ZaloGroup] = [
            zalo.group(name, members=members)
            for name, members in zip(group_names, GROUP_MEMBERS, strict=False)]
        self._printed = 0

    def find_group(self, name: str) -> ZaloGroup | None:
        """``1``, ``2`` (their numbers in :who) or a part of the name."""
        if name.isdigit() and 1 <= int(name) <= len(self.groups):
            return self.groups[int(name) - 1]
        return next((group for group in self.groups if name.lower() in group.name.lower()),
                    None)

    def cast_lines(self, tr: Translate) -> list[str]:
        """For :who: the resident to play and the OA groups, with the ids an officer links."""
        return [tr("shell.zalo.cast"), tr("shell.zalo.resident_line", name=self.resident.name),
                *(tr("shell.zalo.group_line", number=number, title=group.name, id=group.id)
                  for number, group in enumerate(self.groups, start=1))]

    def skip_to_now(self) -> None:
        self._printed = len(self.emulator.sent)

    async def text(self, words: str, group: ZaloGroup | None) -> int | None:
        """The resident writes ``words`` to the OA (or in ``group``); the webhook's HTTP status
        (None: no webhook set, the channel did not start)."""
        if group is None:
            response = await self.emulator.user_sends_text(self.resident, words)
        else:
            response = await self.emulator.user_sends_group_text(self.resident, group, words)
        return None if response is None else response.status_code

    async def photo(self, caption: str) -> int | None:
        response = await self.emulator.user_sends_image(self.resident, caption)
        return None if response is None else response.status_code

    async def location(self, latitude: float, longitude: float) -> int | None:
        response = await self.emulator.user_sends_location(self.resident, latitude, longitude)
        return None if response is None else response.status_code

    def latest_buttons(self) -> list[dict[str, Any]]:
        """The buttons of the newest message to the resident that has any."""
        target = f"user:{self.resident.id}"
        for sent in reversed(self.emulator.sent):
            if sent.to == target and buttons_of(sent.message):
                return buttons_of(sent.message)
        return []

    def new_lines(self, tr: Translate) -> list[str]:
        """What the OA sent since the last call, message by message, with its recipient."""
        sent = self.emulator.sent[self._printed:]
        self._printed += len(sent)
        lines: list[str] = []
        for message in sent:
            lines.append(tr("shell.zalo.to", chat=self._chat_name(message, tr)))
            lines += self._body_lines(message.message, tr)
        return lines

    def _chat_name(self, message: SentMessage, tr: Translate) -> str:
        kind, _, zalo_id = message.to.partition(":")
        if kind == "group":
            group = self.emulator.groups.get(zalo_id)
            return tr("shell.zalo.group_chat", title=group.name if group else zalo_id)
        user = self.emulator.users.get(zalo_id)
        return tr("shell.zalo.private_chat", name=user.name if user else zalo_id)

    @staticmethod
    def _body_lines(message: dict[str, Any], tr: Translate) -> list[str]:
        lines = [INDENT + line for line in str(message.get("text") or "").splitlines()]
        attachment = message.get("attachment") or {}
        payload = attachment.get("payload") or {}
        if attachment.get("type") == "file":
            lines.append(tr("shell.zalo.file"))
        elif payload.get("template_type") == "media":
            lines.append(tr("shell.zalo.photo"))
        cells = []
        for number, button in enumerate(buttons_of(message), start=1):
            arrow = " ↗" if button.get("type") == "oa.open.url" else ""
            cells.append(f"[{number}] {button.get('title', '')}{arrow}")
        if cells:
            lines.append(INDENT + "   ".join(cells))
        return lines
