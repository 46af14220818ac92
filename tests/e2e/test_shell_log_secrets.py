"""The shell's log (``shell.log``) on a session that uses the emulated Zalo OA and SMS phone:
none of the secrets the shell made up for them, nor a Zalo token the emulator minted, is in it,
even at DEBUG."""

from __future__ import annotations

import io
from pathlib import Path

from bot.logging import configure_logging
from shell.console import run_script
from shell.launch import ShellOptions, launch
from shell.log_secrets import ShellSecretsFilter
from shell.session import ShellSession
from tests.e2e.test_shell import START


async def test_a_zalo_and_sms_session_leaves_no_made_up_secret_in_the_shell_log(tmp_path: Path):
    options = ShellOptions(data_dir=tmp_path / "shell", start=START)
    buffer = io.StringIO()
    configure_logging("DEBUG", stream=buffer).addFilter(ShellSecretsFilter(options.secrets))
    world = await launch(options)
    lines: list[str] = []
    try:
        session = ShellSession(world, lines.append, tmp_path / "shell" / "files")
        await run_script(session, [":zalo", "/baomat", ":time +2h", ":sms 0901234567",
                                   "DK TT-TANTHANH", ":as officer", "/khancap Cảnh báo lừa đảo"],
                         lines.append)
    finally:
        await world.stop()
        configure_logging("WARNING")
    made_up = options.secrets
    assert world.phone.gateway.password == made_up.sms_password  # the phone checks these
    assert world.zalo.emulator.oa_secret == made_up.zalo_oa_secret
    assert made_up.zalo_tokens.refresh_tokens and made_up.zalo_tokens.access_tokens
    log = buffer.getvalue()
    assert "Zalo OA channel started" in log  # the log is the bot's, at DEBUG
    for secret in made_up.current():
        assert secret not in log
