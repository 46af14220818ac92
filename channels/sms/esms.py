"""eSMS.vn brandname SMS as an :class:`SmsProvider`: one-way, the agency's registered sender
name instead of a number (developers.esms.vn, "Send OTP/Customer care message").

``POST <api_base_url>/MainService.svc/json/SendMultipleMessage_V4_post_json/`` with ``ApiKey``,
``SecretKey``, ``Phone``, ``Content``, ``Brandname``, ``SmsType`` "2" (customer care),
``IsUnicode`` "0" (the text is drawn in GSM-7), ``Sandbox`` "1" in tests, and our key as
``RequestId``: eSMS refuses a RequestId it has seen in the last 24 hours with CodeResult 124, so
a retry after a lost answer is never a second SMS. Answers are HTTP 200 with a ``CodeResult``
("Table of error codes"); states come only by eSMS's callback, which is not wired, so
:meth:`EsmsProvider.state` says ``UNKNOWN``.
"""

from __future__ import annotations

import httpx

from channels.sms.http_failures import server_failure, transport_failure
from channels.sms.provider import SmsReport, SmsState
from core.outbound import ChatUnavailable, Rejected, SendFailure, TransientFailure
from org.phone_numbers import PhoneNumber

NAME = "esms"
DEFAULT_API_BASE_URL = "https://rest.esms.vn"
SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
CUSTOMER_CARE = "2"
ANSWER_WAIT = 30.0
ACCEPTED, DUPLICATE_REQUEST = "100", "124"
# CodeResult → what it means for this message (developers.esms.vn, "Table of error codes").
_NUMBER_REFUSED = {"99": "phone number blocked", "108": "phone number not in a correct format"}
_ACCOUNT_REFUSED = {"101": "wrong ApiKey or SecretKey", "102": "no price list",
                    "104": "brandname does not exist", "118": "unsupported message type",
                    "140": "IP address not whitelisted", "146": "wrong customer care template",
                    "177": "network not registered for the brandname"}
_TRY_LATER = {"103": "balance too low"}


class EsmsProvider:
    two_way = False

    def __init__(self, api_key: str, secret_key: str, brandname: str, *, sandbox: bool,
                 api_base_url: str = DEFAULT_API_BASE_URL,
                 timeout: float = ANSWER_WAIT) -> None:
        self._url = api_base_url.rstrip("/") + SEND_PATH
        self._credentials = {"ApiKey": api_key, "SecretKey": secret_key}
        self._brandname = brandname
        self._sandbox = sandbox
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0))

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, phone: PhoneNumber, text: str, key: str) -> str:
        body = {**self._credentials, "Phone": phone.national, "Content": text,
                "Brandname": self._brandname, "SmsType": CUSTOMER_CARE, "IsUnicode": "0",
                "Sandbox": "1" if self._sandbox else "0", "RequestId": key}
        try:
            answer = await self._client.post(self._url, json=body)
        except httpx.HTTPError as error:
            raise transport_failure(NAME, error) from error
        if answer.status_code >= 500:
            raise server_failure(NAME, answer.status_code)
        try:
            result = answer.json()
        except ValueError:
            raise Rejected(f"{NAME}: HTTP {answer.status_code}, not JSON") from None
        code = str(result.get("CodeResult", ""))
        if code == ACCEPTED:
            return str(result.get("SMSID") or key)
        if code == DUPLICATE_REQUEST:
            return key  # taken by an earlier request with this RequestId: never a second SMS
        raise _refusal(code)

    async def state(self, message_id: str) -> SmsState:
        return SmsState.UNKNOWN

    async def report(self, message_id: str) -> SmsReport:
        # eSMS reports states by a callback to a URL of ours (not built), not by a query.
        return SmsReport(SmsState.UNKNOWN)


def _refusal(code: str) -> SendFailure:
    if code in _NUMBER_REFUSED:
        return ChatUnavailable(f"{NAME}: {_NUMBER_REFUSED[code]} ({code})")
    if code in _TRY_LATER:
        return TransientFailure(f"{NAME}: {_TRY_LATER[code]} ({code})")
    return Rejected(f"{NAME}: {_ACCOUNT_REFUSED.get(code, 'refused')} ({code})")
