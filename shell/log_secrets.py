"""The secrets the shell makes up for its emulated Zalo OA and SMS gateway phone, and the filter
that keeps them out of the shell's log (``shell.log`` in the data folder).

The bot's own redactor (``bot.logging``) knows the secrets ``bot.cli`` reads from the
environment; the shell hands its made-up ones to the bot directly, so they are given to the
shell log's handler here instead. Zalo's tokens are minted by the emulator while the shell runs
(each refresh token works once and brings the next one), so the filter reads the emulator's
token book at every record rather than a list fixed at start.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from bot.logging import redact
from emulators.zalo_oa.world import TokenBook


def _made_up() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class ShellSecrets:
    """Made up at each start; the emulators check them, the bot is given them."""

    sms_username: str = field(default_factory=_made_up)
    sms_password: str = field(default_factory=_made_up)
    sms_signing_key: str = field(default_factory=_made_up)
    zalo_app_secret: str = field(default_factory=_made_up)
    zalo_oa_secret: str = field(default_factory=_made_up)
    # The Zalo emulator's refresh and access tokens, shared with it (``ShellZaloOA``).
    zalo_tokens: TokenBook = field(default_factory=TokenBook)

    def current(self) -> list[str]:
        """Every secret as of now: the fixed ones and each Zalo token issued so far."""
        book = self.zalo_tokens
        return [self.sms_username, self.sms_password, self.sms_signing_key,
                self.zalo_app_secret, self.zalo_oa_secret,
                *tuple(book.refresh_tokens), *tuple(book.access_tokens)]


class ShellSecretsFilter(logging.Filter):
    """Redacts the shell's made-up secrets from a record the bot's redactor has rendered (it
    runs after ``bot.logging.RedactingFilter`` on the same handler)."""

    def __init__(self, shell_secrets: ShellSecrets) -> None:
        super().__init__()
        self._secrets = shell_secrets

    def filter(self, record: logging.LogRecord) -> bool:
        known = self._secrets.current()
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact(message, known), None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, known)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, known)
        return True
