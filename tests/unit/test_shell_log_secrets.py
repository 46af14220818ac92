"""The shell's made-up Zalo and SMS secrets never reach its log (``shell.log_secrets``): the
fixed ones, and the Zalo tokens the emulator mints while the shell runs."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logging import REDACTED, configure_logging
from shell.log_secrets import ShellSecrets, ShellSecretsFilter


@pytest.fixture
def shell_log():
    """The shell's log set up as ``shell.console.run_shell`` does, into a buffer."""
    made_up, buffer = ShellSecrets(), io.StringIO()
    configure_logging("DEBUG", stream=buffer).addFilter(ShellSecretsFilter(made_up))
    yield made_up, buffer
    configure_logging("WARNING")


def test_each_start_makes_up_its_own_secrets():
    first, second = ShellSecrets(), ShellSecrets()
    assert first.sms_password != second.sms_password
    assert first.zalo_oa_secret != second.zalo_oa_secret
    assert len(set(first.current())) == 5  # all different, none empty


def test_no_made_up_secret_or_issued_token_is_written_to_the_shell_log(shell_log):
    made_up, buffer = shell_log
    # Minted after the log was set up, as the emulator does on each refresh.
    refresh = made_up.zalo_tokens.issue_refresh_token()
    access = made_up.zalo_tokens.issue_access_token(0.0, 3600.0)
    log = logging.getLogger("shell.test")
    for secret in (*made_up.current(), refresh, access):
        log.info("sending with %s", secret)
        log.warning(f"inline {secret} in the message")
        try:
            raise RuntimeError(f"refused: {secret}")
        except RuntimeError:
            log.exception("failed")
    text = buffer.getvalue()
    assert text.count(REDACTED) >= 3 * 7
    for secret in (*made_up.current(), refresh, access):
        assert secret not in text
    assert "sending with" in text and "RuntimeError: refused:" in text
