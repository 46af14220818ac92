"""An emulator of the parts of Zalo's Official Account Open API v3 and OAuth v4 the bot uses, over
real HTTP on 127.0.0.1, plus Zalo's side of the OA webhook (a user writing to the OA).

Built from Zalo's public documentation and SDK sources:

* consultation messages, ``POST /v3.0/oa/message/cs`` (developers.zalo.me/docs/official-account/
  tin-nhan/tin-tu-van; ``zaloplatform/zalo-php-sdk`` ``ZaloEndPoint::API_OA_SEND_CONSULTATION_
  MESSAGE_V3`` and ``MessageBuilder``: ``recipient.user_id``, ``message.text``, buttons of type
  ``oa.query.hide`` / ``oa.open.url`` in a ``template`` attachment), accepted only within 7 days of
  the user's last message (-230 after that, -213 when the user does not follow the OA);
* the answer to a person who writes without following (``anonymous_send_*`` events), the same
  ``POST /v3.0/oa/message/cs`` with ``recipient: {"anonymous_id", "conversation_id"}`` (the PHP
  SDK's ``MessageBuilder::withAnonymousConversation($anonymousId, $conversationId)``); a
  conversation id that is not that person's is refused (-201). Zalo documents no reply window
  of its own for them: the emulator applies the followers' 7 days, the stricter reading;
* GMF group messages, ``POST /v3.0/oa/group/message`` with ``recipient.group_id``
  (developers.zalo.me/docs/official-account/nhom-chat-gmf/tin-nhan/text_message; the PHP SDK's
  ``MessageBuilder::withGroupId``); the group list ``GET /v3.0/oa/group/getgroupsofoa`` and group
  info ``GET /v3.0/oa/group/getgroup`` (``group_info.total_member``);
* ``POST <oauth>/v4/oa/access_token`` with ``grant_type=refresh_token`` (form: ``app_id``,
  ``refresh_token``; header ``secret_key``: the PHP SDK's ``OAuth2Client::getZaloTokenFrom
  RefreshToken``): each refresh token works once and the answer carries a new one; access tokens
  expire after ``expires_in`` seconds (Zalo: 90000, 25 hours; a string in the JSON);
* uploads, ``POST /v2.0/oa/upload/image`` (``data.attachment_id``) and ``POST /v2.0/oa/upload/file``
  (``data.token``) with their limits (``uploads``, where the sources are cited); a message naming
  an ``attachment_id`` or file ``token`` the emulator did not issue, or one older than 7 days, is
  refused (-201), as Zalo cannot know a file it was never given (a Telegram file id);
* error envelopes: HTTP 200 with a negative ``error`` and a ``message`` (``errors``);
* the files a person's events link to (``message.attachments[].payload.url``): served by
  ``GET /media/<name>`` without an access token, as Zalo's CDN links are opened by anyone who
  has them; an unknown name is a 404.

The OA API and the OAuth server share one port here (``api_base_url`` and ``oauth_base_url`` are
the same root). Time is the emulator's own (``advance``), so a test moves a user's reply window
without sleeping.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from emulators.fault_plan import FaultInjection
from emulators.http_emulator import HttpEmulator
from emulators.telegram.http import HttpRequest, HttpResponse

from .errors import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_INVALID,
    GROUP_DISABLED,
    INVALID_PARAMETER,
    OUTSIDE_REPLY_WINDOW,
    REFRESH_TOKEN_INVALID,
    USER_NOT_FOLLOWER,
    ZaloError,
)
from .faults import FaultPlan
from .messages import check_message
from .uploads import IMAGE_UPLOAD, UPLOAD_LIFETIME, UPLOAD_PATHS, check_upload, uploaded_file
from .user_actions import UserActions
from .world import ApiCall, SentMessage, TokenBook, ZaloGroup, ZaloUser, new_hex_id, new_user_id

REPLY_WINDOW_SECONDS = 7 * 24 * 3600
ACCESS_TOKEN_LIFETIME = 90_000.0  # seconds (25 hours), as Zalo's expires_in says

APP_ID = "1234567890987654321"
APP_SECRET = "emulated-app-secret"
OA_ID = "579745863508352884"
OA_SECRET = "emulated-oa-secret-key"


def _json(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(status, json.dumps(body, ensure_ascii=False).encode())


class FakeZaloOA(UserActions, FaultInjection[ZaloError], HttpEmulator):
    """Zalo's OA API and OAuth server for one app and one OA."""

    def __init__(self, *, app_id: str = APP_ID, app_secret: str = APP_SECRET,
                 oa_id: str = OA_ID, oa_secret: str = OA_SECRET,
                 access_token_lifetime: float = ACCESS_TOKEN_LIFETIME) -> None:
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.oa_id, self.oa_secret = oa_id, oa_secret
        self.access_token_lifetime = access_token_lifetime
        self.users: dict[str, ZaloUser] = {}
        self.anonymous_people: dict[str, ZaloUser] = {}  # by anonymous id
        self.media: dict[str, tuple[bytes, str]] = {}  # path -> (bytes, content type)
        self.groups: dict[str, ZaloGroup] = {}
        self.sent: list[SentMessage] = []
        self.calls: list[ApiCall] = []
        self.tokens = TokenBook()
        self.faults = FaultPlan()
        self.attachment_ids: set[str] = set()
        self.file_tokens: set[str] = set()
        self.uploads: list[tuple[str, str, int]] = []  # (path, id issued, size) per upload
        # The other reading of an upload's answer some sources give: ``data`` is the id itself.
        self.bare_upload_ids = False
        self._issued_at: dict[str, float] = {}  # attachment id or file token -> when
        self.webhook_url: str | None = None
        self._offset = 0.0

    # ---- time ---------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's time: reply windows close, access tokens expire."""
        self._offset += seconds

    # ---- the scene ----------------------------------------------------------------------
    def user(self, name: str, *, following: bool = True) -> ZaloUser:
        user = ZaloUser(new_user_id(), name, following=following)
        self.users[user.id] = user
        return user

    def anonymous_person(self, name: str) -> ZaloUser:
        """Someone who writes to the OA without following it (answered by conversation)."""
        person = ZaloUser(new_hex_id(), name, following=False, conversation_id=new_hex_id())
        self.anonymous_people[person.id] = person
        return person

    def host_media(self, data: bytes, suffix: str, content_type: str) -> str:
        """The URL a person's event links to for ``data`` (``GET`` serves it)."""
        path = f"/media/{new_hex_id()}{suffix}"
        self.media[path] = (data, content_type)
        return f"{self.base_url}{path}"

    def group(self, name: str, *, members: int = 10) -> ZaloGroup:
        group = ZaloGroup(new_hex_id(), name, members)
        self.groups[group.id] = group
        return group

    def first_refresh_token(self) -> str:
        """The refresh token an OA admin gets when granting the app (the bot's env var)."""
        return self.tokens.issue_refresh_token()

    def upload_image(self) -> str:
        attachment_id = new_hex_id()
        self.attachment_ids.add(attachment_id)
        self._issued_at[attachment_id] = self.now()
        return attachment_id

    def upload_file(self) -> str:
        token = new_hex_id() + new_hex_id()
        self.file_tokens.add(token)
        self._issued_at[token] = self.now()
        return token

    def forget_uploads(self) -> None:
        """Every attachment id and file token issued so far is unknown from now on."""
        self.attachment_ids.clear()
        self.file_tokens.clear()

    def unfollow(self, user: ZaloUser) -> None:
        user.following = False

    def disable_group(self, group: ZaloGroup) -> None:
        group.enabled = False

    def delete_group(self, group: ZaloGroup) -> None:
        group.deleted = True

    def expire_access_tokens(self) -> None:
        for token in self.tokens.access_tokens:
            self.tokens.access_tokens[token] = self.now() - 1

    # ---- faults (``emulators.fault_plan``): targets "user:<id>", "group:<id>", "oauth", or an
    # upload's path --------------------------------------------------------------------------
    def _fault_error(self, code: int, message: str) -> ZaloError:
        return ZaloError(code, message)

    def _server_error_answer(self, status: int) -> HttpResponse:
        return _json({"error": -500, "message": "Internal server error"}, status)

    # ---- inspection ---------------------------------------------------------------------
    def sent_to(self, target: str) -> list[SentMessage]:
        return [message for message in self.sent if message.to == target]

    def requests_to(self, target: str) -> int:
        return sum(1 for call in self.calls if call.to == target)

    async def wait_until_sent(self, target: str, count: int, seconds: float = 5.0
                              ) -> list[SentMessage]:
        found = await self._changed.wait_for(
            lambda: self.sent_to(target) if len(self.sent_to(target)) >= count else None,
            seconds)
        if found is None:
            raise AssertionError(f"{count} message(s) to {target} did not arrive")
        return found

    # ---- HTTP ---------------------------------------------------------------------------
    def _bug_answer(self) -> HttpResponse:
        return _json({"error": -1, "message": "emulator error"}, 500)

    async def _answer(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == "/v4/oa/access_token":
            return self._refresh(request)
        if request.method == "GET" and request.path.startswith("/media/"):
            hosted = self.media.get(request.path)
            if hosted is None:
                return HttpResponse(404, b"", "text/plain")
            return HttpResponse(200, hosted[0], hosted[1])
        if request.method == "POST" and request.path in UPLOAD_PATHS:
            return await self._upload(request)
        body = self._body(request)
        to = _recipient(request.path, body)
        self.calls.append(ApiCall(request.path, to, body))
        server_fault = self._server_fault(to or request.path)
        if server_fault is not None:
            return server_fault
        self._check_access_token(request)
        if to is not None:
            injected = self.faults.take_error(to)
            if injected is not None:
                raise injected
        if request.method == "GET" and request.path == "/v3.0/oa/group/getgroupsofoa":
            return self._groups_of_oa(request)
        if request.method == "GET" and request.path == "/v3.0/oa/group/getgroup":
            return self._group_info(request)
        self._expire_uploads()
        if request.method == "POST" and request.path == "/v3.0/oa/message/cs":
            answer = self._send_consultation(body)
        elif request.method == "POST" and request.path == "/v3.0/oa/group/message":
            answer = self._send_to_group(body)
        else:
            return _json({"error": -404, "message": "Not found"}, 404)
        await self._answer_late(to or "")
        return answer

    @staticmethod
    def _body(request: HttpRequest) -> dict[str, Any]:
        if request.method != "POST":
            return {key: values[0] for key, values in parse_qs(request.query).items()}
        try:
            body = json.loads(request.body or b"{}")
        except ValueError as error:
            raise ZaloError.of(INVALID_PARAMETER, field="body") from error
        if not isinstance(body, dict):
            raise ZaloError.of(INVALID_PARAMETER, field="body")
        return body

    def _check_access_token(self, request: HttpRequest) -> None:
        token = request.headers.get("access_token", "")
        expires = self.tokens.access_tokens.get(token)
        if expires is None:
            raise ZaloError.of(ACCESS_TOKEN_INVALID)
        if expires <= self.now():
            raise ZaloError.of(ACCESS_TOKEN_EXPIRED)

    # ---- OAuth --------------------------------------------------------------------------
    def _refresh(self, request: HttpRequest) -> HttpResponse:
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        self.calls.append(ApiCall(request.path, "oauth", {"grant_type": form.get("grant_type")}))
        server_fault = self._server_fault("oauth")
        if server_fault is not None:
            return server_fault
        injected = self.faults.take_error("oauth")
        if injected is not None:
            return _json({"error": injected.code, "error_name": "Injected",
                          "error_description": injected.message})
        refresh_token = form.get("refresh_token", "")
        if (form.get("grant_type") != "refresh_token" or form.get("app_id") != self.app_id
                or request.headers.get("secret_key") != self.app_secret
                or not self.tokens.refresh_tokens.get(refresh_token, False)):
            return _json({"error": REFRESH_TOKEN_INVALID, "error_name": "Invalid refresh token",
                          "error_description": "Refresh token is invalid, used or expired"})
        self.tokens.refresh_tokens[refresh_token] = False  # works once
        return _json({
            "access_token": self.tokens.issue_access_token(self.now(),
                                                           self.access_token_lifetime),
            "refresh_token": self.tokens.issue_refresh_token(),
            "expires_in": str(int(self.access_token_lifetime)),
        })

    # ---- uploads ------------------------------------------------------------------------
    async def _upload(self, request: HttpRequest) -> HttpResponse:
        file_name, data = uploaded_file(request)
        self.calls.append(ApiCall(request.path, None, {"file_name": file_name,
                                                        "size": len(data)}))
        server_fault = self._server_fault(request.path)
        if server_fault is not None:
            return server_fault
        self._check_access_token(request)
        injected = self.faults.take_error(request.path)
        if injected is not None:
            raise injected
        check_upload(request.path, file_name, data)
        if request.path == IMAGE_UPLOAD:
            issued, key = self.upload_image(), "attachment_id"
        else:
            issued, key = self.upload_file(), "token"
        self.uploads.append((request.path, issued, len(data)))
        await self._answer_late(request.path)
        return _json({"error": 0, "message": "Success",
                      "data": issued if self.bare_upload_ids else {key: issued}})

    def _expire_uploads(self) -> None:
        """Zalo keeps an uploaded image at most 7 days (``uploads``)."""
        for issued, at in list(self._issued_at.items()):
            if self.now() - at > UPLOAD_LIFETIME:
                self.attachment_ids.discard(issued)
                self.file_tokens.discard(issued)
                del self._issued_at[issued]

    # ---- groups -------------------------------------------------------------------------
    def _groups_of_oa(self, request: HttpRequest) -> HttpResponse:
        query = self._body(request)
        offset, count = int(query.get("offset", 0)), int(query.get("count", 5))
        live = [group for group in self.groups.values() if not group.deleted]
        page = live[offset:offset + count]
        return _json({"error": 0, "message": "Success", "data": {
            "offset": offset, "count": len(page), "total": len(live),
            "groups": [{"group_id": g.id, "name": g.name, "total_member": g.members,
                        "status": "enabled" if g.enabled else "disabled"} for g in page]}})

    def _group_info(self, request: HttpRequest) -> HttpResponse:
        group = self._live_group(self._body(request).get("group_id"))
        return _json({"error": 0, "message": "Success", "data": {
            "group_info": {"group_id": group.id, "name": group.name,
                           "status": "enabled" if group.enabled else "disabled",
                           "total_member": group.members, "max_member": 100},
            "asset_info": {"asset_type": "gmf100"},
            "group_setting": {"lock_send_msg": False}}})

    def _live_group(self, group_id: Any) -> ZaloGroup:
        group = self.groups.get(str(group_id))
        if group is None or group.deleted:
            raise ZaloError.of(INVALID_PARAMETER, field="group_id")
        return group

    # ---- sending ------------------------------------------------------------------------
    def _send_consultation(self, body: dict[str, Any]) -> HttpResponse:
        recipient = body.get("recipient") or {}
        if "anonymous_id" in recipient:
            user = self.anonymous_people.get(str(recipient["anonymous_id"]))
            if user is None:
                raise ZaloError.of(INVALID_PARAMETER, field="anonymous_id")
            if recipient.get("conversation_id") != user.conversation_id:
                raise ZaloError.of(INVALID_PARAMETER, field="conversation_id")
        else:
            user = self.users.get(str(recipient.get("user_id")))
            if user is None:
                raise ZaloError.of(INVALID_PARAMETER, field="user_id")
            if not user.following:
                raise ZaloError.of(USER_NOT_FOLLOWER)
        if (user.last_message_at is None
                or self.now() - user.last_message_at > REPLY_WINDOW_SECONDS):
            raise ZaloError.of(OUTSIDE_REPLY_WINDOW)
        check_message(body.get("message"), in_group=False, attachment_ids=self.attachment_ids,
                      file_tokens=self.file_tokens)
        sent = self._record(user.chat, body["message"])
        return _json({"error": 0, "message": "Success",
                      "data": {"message_id": sent.message_id, "user_id": user.id}})

    def _send_to_group(self, body: dict[str, Any]) -> HttpResponse:
        group = self._live_group((body.get("recipient") or {}).get("group_id"))
        if not group.enabled:
            raise ZaloError.of(GROUP_DISABLED)
        check_message(body.get("message"), in_group=True, attachment_ids=self.attachment_ids,
                      file_tokens=self.file_tokens)
        sent = self._record(f"group:{group.id}", body["message"])
        return _json({"error": 0, "message": "Success",
                      "data": {"message_id": sent.message_id, "group_id": group.id}})

    def _record(self, to: str, message: dict[str, Any]) -> SentMessage:
        sent = SentMessage(new_hex_id(), to, message, self.now())
        self.sent.append(sent)
        return sent


def _recipient(path: str, body: dict[str, Any]) -> str | None:
    recipient = body.get("recipient") or {}
    if path == "/v3.0/oa/message/cs" and "anonymous_id" in recipient:
        return f"anon:{recipient['anonymous_id']}"
    if path == "/v3.0/oa/message/cs" and "user_id" in recipient:
        return f"user:{recipient['user_id']}"
    if path == "/v3.0/oa/group/message" and "group_id" in recipient:
        return f"group:{recipient['group_id']}"
    return None
