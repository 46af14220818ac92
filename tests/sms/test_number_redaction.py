"""Phone numbers never reach the log (SPEC §13), however they were typed: the redacting filter
of every log record (``bot.logging``) takes them out."""

from __future__ import annotations

import pytest

from bot.logging import REDACTED, redact


@pytest.mark.parametrize("typed", [
    "0901234567", "84901234567", "+84901234567", "090 123 4567", "090.123.4567",
    "090-123-4567", "+84 90 123 4567", "0084 90 123 4567", "0912 345 678", "+84 32.123.4567",
])
def test_a_number_in_any_usual_form_is_redacted(typed):
    line = f"'text': '/sms add {typed} TT-TANTHANH'"
    redacted = redact(line)
    assert REDACTED in redacted and "4567" not in redacted and "678" not in redacted
    assert "TT-TANTHANH" in redacted


@pytest.mark.parametrize("kept", [
    "2026-12-06 23:07:54", "port 8445", "TIP-7K3M9Q", "3 segments, 1500 VND",
    "HTTP/1.1 200 OK",
])
def test_what_is_not_a_number_stays_readable(kept):
    assert redact(kept) == kept
