"""Quiet hours (SPEC §5, ``bulletins.quiet_hours``): when bulletins go out without a notification.

The setting is ``"HH:MM-HH:MM"`` in the configured timezone, e.g. ``"22:00-06:00"``; the window
may wrap midnight, and an empty string means no quiet hours. Alerts ignore quiet hours; that
rule belongs to the delivery code, this module only answers "is this moment quiet?".
A refusal names its reason by catalogue key (``reasons.quiet_hours.*``, see core/localized.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from core.localized import LocalizedError

EXPECTED_FORM_KEY = "reasons.quiet_hours.expected_form"

_WINDOW = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


class QuietHoursError(LocalizedError):
    """A quiet-hours setting that cannot be used: the reason and the expected form."""


def _fail(reason: str, **params: object) -> QuietHoursError:
    return QuietHoursError(f"reasons.quiet_hours.{reason}", hint=EXPECTED_FORM_KEY, **params)


@dataclass(frozen=True)
class QuietHours:
    """The local-time window ``[start, end)``; ``start > end`` means it wraps midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        # Equal ends would mean either "never" or "always"; neither is what anyone configures.
        if self.start == self.end:
            raise _fail("same_start_and_end", time=f"{self.start:%H:%M}")

    @property
    def wraps_midnight(self) -> bool:
        return self.start > self.end

    def contains(self, moment: time) -> bool:
        """Whether local wall-clock ``moment`` is quiet (start inclusive, end exclusive)."""
        # Compare wall-clock values only: the caller has already converted to the unit's timezone.
        moment = moment.replace(tzinfo=None)
        if self.wraps_midnight:
            return moment >= self.start or moment < self.end
        return self.start <= moment < self.end

    def to_text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_quiet_hours(text: str) -> QuietHours | None:
    """Parse ``"22:00-06:00"``; ``""`` (or only spaces) gives ``None``, meaning no quiet hours."""
    if not text.strip():
        return None
    match = _WINDOW.fullmatch(text.strip())
    if match is None:
        raise _fail("not_a_window", window=text.strip())
    start_hour, start_minute, end_hour, end_minute = (int(group) for group in match.groups())
    for hour, minute in ((start_hour, start_minute), (end_hour, end_minute)):
        if hour > 23 or minute > 59:
            raise _fail("time_out_of_day", time=f"{hour:02d}:{minute:02d}")
    return QuietHours(start=time(start_hour, start_minute), end=time(end_hour, end_minute))
