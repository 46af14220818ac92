"""An emulator of eSMS.vn's brandname SMS API (one-way, customer-care messages), over real HTTP
on 127.0.0.1, for the end-to-end tests.

Built from eSMS's developer documentation (developers.esms.vn): "Send OTP/Customer care message"
(``POST /MainService.svc/json/SendMultipleMessage_V4_post_json/``, a JSON body of strings:
``ApiKey``, ``SecretKey``, ``Phone``, ``Content``, ``Brandname``, ``SmsType`` "2" for customer
care, ``IsUnicode``, ``Sandbox`` "1" for a test request that is neither sent nor charged,
``RequestId`` "to prevent the request from being duplicated", valid for 24 hours per the POST
TEXT variant); the answer is HTTP 200 with ``{"CodeResult": "100", "CountRegenerate": 0,
"SMSID": "…"}`` on success; and its "Table of error codes": 99 phone number blocked, 100
accepted, 101 wrong ApiKey or SecretKey, 103 balance too low, 104 Brandname does not exist,
108 phone number not in a correct format, 118 unsupported message type, 124 duplicate RequestId.
The REST help page (rest.esms.vn/MainService.svc/json/help/operations/SendMultipleMessage_V4_get)
gives the response's other fields (``ErrorMessage``, ``IsSandbox``).

Faults: a 5xx before anything happens, an answer after the client has given up (the request
is taken all the same).
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from emulators.http_emulator import HttpEmulator
from emulators.sms.segments import segments_of
from emulators.telegram.http import HttpRequest, HttpResponse

SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json"
OK, BLOCKED, BAD_KEYS, NO_BALANCE, NO_BRANDNAME = "100", "99", "101", "103", "104"
BAD_PHONE, BAD_TYPE, DUPLICATE = "108", "118", "124"
CUSTOMER_CARE = "2"
_PHONE = re.compile(r"(?:\+?84|0)[35789][0-9]{8}")


@dataclass(frozen=True)
class BrandnameSms:
    sms_id: str
    phone: str
    content: str
    brandname: str
    request_id: str
    sandbox: bool
    segments: int


class FakeEsms(HttpEmulator):
    def __init__(self, *, api_key: str = "esms-api-key", secret_key: str = "esms-secret-key",
                 brandnames: tuple[str, ...] = ("CA-XA-DEMO",)) -> None:
        super().__init__()
        self.api_key = api_key
        self.secret_key = secret_key
        self.brandnames = set(brandnames)
        self.blocked: set[str] = set()
        self.balance_ok = True
        self.accepted: list[BrandnameSms] = []
        self.answers: list[dict[str, Any]] = []
        self.requests = 0
        self._request_ids: set[str] = set()
        self._fail_next: list[tuple[int, bool]] = []
        self._late_by: list[float] = []

    def fail_next_send(self, status: int = 500, *, html: bool = True) -> None:
        """The next request is refused with ``status``: IIS's page (``html``), or a JSON body
        with a ``Message`` as ASP.NET Web API answers an error."""
        self._fail_next.append((status, html))

    def answer_next_send_late(self, seconds: float) -> None:
        self._late_by.append(seconds)

    def sent_to(self, phone: str) -> list[BrandnameSms]:
        return [sms for sms in self.accepted if sms.phone == phone]

    def _bug_answer(self) -> HttpResponse:
        return HttpResponse(500, b'{"Message": "emulator error"}')

    async def _answer(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path.rstrip("/") != SEND_PATH:
            return HttpResponse(404, b"Endpoint not found.", content_type="text/html")
        self.requests += 1
        if self._fail_next:
            status, html = self._fail_next.pop(0)
            if not html:
                return HttpResponse(status, b'{"Message": "An error has occurred."}')
            return HttpResponse(status, b"<html>Service Unavailable</html>",
                                content_type="text/html")
        try:
            body = json.loads(request.body)
        except ValueError:
            return HttpResponse(400, b"The server encountered an error processing the request.",
                                content_type="text/html")
        answer = self._send(body)
        self.answers.append(answer)
        if self._late_by:
            await asyncio.sleep(self._late_by.pop(0))
        return HttpResponse(200, json.dumps(answer).encode())

    def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        field = {key: "" if value is None else str(value) for key, value in body.items()}
        sandbox = field.get("Sandbox", "0") == "1"
        if (field.get("ApiKey"), field.get("SecretKey")) != (self.api_key, self.secret_key):
            return _refusal(BAD_KEYS, "Sai ApiKey hoặc SecretKey", sandbox)
        if field.get("SmsType") != CUSTOMER_CARE:
            return _refusal(BAD_TYPE, "Loại tin không được hỗ trợ", sandbox)
        if field.get("Brandname") not in self.brandnames:
            return _refusal(NO_BRANDNAME, "Brandname không tồn tại", sandbox)
        phone = field.get("Phone", "")
        if not _PHONE.fullmatch(phone):
            return _refusal(BAD_PHONE, "Số điện thoại không đúng định dạng", sandbox)
        if phone in self.blocked:
            return _refusal(BLOCKED, "Số điện thoại bị chặn", sandbox)
        request_id = field.get("RequestId", "")
        if request_id and request_id in self._request_ids:
            return _refusal(DUPLICATE, "Trùng RequestId", sandbox)
        if not self.balance_ok and not sandbox:
            return _refusal(NO_BALANCE, "Số dư không đủ", sandbox)
        if request_id:
            self._request_ids.add(request_id)
        sms_id = secrets.token_hex(16)
        self.accepted.append(BrandnameSms(sms_id, phone, field.get("Content", ""),
                                          field["Brandname"], request_id, sandbox,
                                          segments_of(field.get("Content", ""))))
        return {"CodeResult": OK, "CountRegenerate": 0, "SMSID": sms_id,
                "IsSandbox": sandbox}


def _refusal(code: str, message: str, sandbox: bool) -> dict[str, Any]:
    return {"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": message,
            "IsSandbox": sandbox}
