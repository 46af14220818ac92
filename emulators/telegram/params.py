"""Typed, validating access to one call's parameters, for the method implementations.

Keeps the methods short: ``p.integer("message_id")`` either returns an ``int`` or raises the
400 error Telegram would send, so no method repeats type checks.
"""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .forms import UploadedFile


class Params:
    """The decoded parameters and uploaded files of one Bot API call."""

    def __init__(
        self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None
    ) -> None:
        self.values = values
        self.files = files or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def require(self, name: str) -> Any:
        if not self.has(name):
            raise bad_request(f'parameter "{name}" is required')
        return self.values[name]

    def integer(self, name: str) -> int:
        value = self.require(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f'parameter "{name}" must be an integer, got {value!r}')
        return value

    def optional_integer(self, name: str) -> int | None:
        return self.integer(name) if self.has(name) else None

    def string(self, name: str, default: str | None = None) -> str | None:
        value = self.get(name, default)
        return None if value is None else str(value)

    def flag(self, name: str) -> bool:
        value = self.get(name, False)
        return value is True or (isinstance(value, str) and value.lower() == "true")

    def mapping(self, name: str) -> dict[str, Any] | None:
        value = self.get(name)
        if value is not None and not isinstance(value, dict):
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def sequence(self, name: str) -> list[Any] | None:
        value = self.get(name)
        if value is not None and not isinstance(value, list):
            raise bad_request(f"can't parse {name} JSON array")
        return value

    def file(self, name: str) -> UploadedFile | None:
        """The upload for ``name``: a part named ``name`` or one referenced as ``attach://x``."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        return None
