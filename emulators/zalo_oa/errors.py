"""Zalo's error envelopes: every refusal of the Open API is an HTTP 200 whose JSON body has a
negative ``error`` and a ``message`` (``{"error": -230, "message": "User has not interacted with
the OA in the past 7 days"}``); ``error`` 0 is success.

The codes and their wording are those of Zalo's table of OA error codes
(https://developers.zalo.me/docs/official-account/phu-luc/ma-loi, as quoted in public SDKs:
``zalo_sdk``'s ``ZaloOAException.ERROR_CODE_TO_STR``, and the integration notes of several open
projects that met them in production, e.g. -230 for the 7-day window, -32 for the call rate).
The OAuth server (``oauth.zaloapp.com/v4``) answers a refused refresh token with its own shape,
``{"error": <negative>, "error_name": …, "error_description": …}`` and no ``access_token``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from emulators.http_emulator import Refusal
from emulators.telegram.http import HttpResponse

# Open API (openapi.zalo.me) codes used by the emulator.
RATE_LIMITED = -32  # "Your application reached limit call api" (per minute)
INVALID_PARAMETER = -201
PARAMETER_OUT_OF_RANGE = -210
OUT_OF_QUOTA = -211
USER_NOT_FOLLOWER = -213
ACCESS_TOKEN_INVALID = -216
ACCESS_TOKEN_EXPIRED = -220
OUTSIDE_REPLY_WINDOW = -230
GROUP_DISABLED = -237
# OAuth v4: a refresh token that is unknown, used already or expired.
REFRESH_TOKEN_INVALID = -14014

MESSAGES: dict[int, str] = {
    RATE_LIMITED: "Your application reached limit call api",
    INVALID_PARAMETER: "{field} is invalid!",
    PARAMETER_OUT_OF_RANGE: "Parameter outside permitted range: {field}",
    OUT_OF_QUOTA: "Out of quota",
    USER_NOT_FOLLOWER: "User has not followed OA",
    ACCESS_TOKEN_INVALID: "Access token is invalid",
    ACCESS_TOKEN_EXPIRED: "access_token is expired or removed",
    OUTSIDE_REPLY_WINDOW: "User has not interacted with the OA in the past 7 days",
    GROUP_DISABLED: "The group is disabled",
}


@dataclass(frozen=True)
class ZaloError(Refusal):
    """A refusal, answered as Zalo answers it: HTTP 200 and the envelope."""

    code: int
    message: str

    @classmethod
    def of(cls, code: int, **fields: str) -> ZaloError:
        return cls(code, MESSAGES[code].format(**fields))

    def envelope(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message}

    def answer(self) -> HttpResponse:
        return HttpResponse(200, json.dumps(self.envelope(), ensure_ascii=False).encode())
