"""Zalo's upload calls: a file's bytes in, the id a message names it by out.

* ``POST /v2.0/oa/upload/image``, multipart field ``file``: JPG or PNG up to 1 MB; the answer's
  ``data.attachment_id`` goes in a ``media`` template (``bodies``);
* ``POST /v2.0/oa/upload/file``, multipart field ``file``: PDF, DOC or DOCX up to 5 MB; the
  answer's ``data.token`` goes in a ``file`` attachment.

The paths and limits are those Zalo's OA documentation gives ("Upload hình ảnh", "Upload file",
developers.zalo.me/docs/official-account/tin-nhan/…), as public integrations repeat them (the
TypeScript ``@warriorteam/redai-zalo-sdk`` ``MessageManagementService``: images 1 MB JPG/PNG kept
on Zalo's server at most 7 days, files 5 MB PDF/DOC/DOCX, 5000 uploads a month each; several open
projects post the same paths with the access token in the ``access_token`` header). Sources
disagree on where the id is: most read ``data.attachment_id``, one reads ``data`` as the id itself
when it is a string; both are taken here.

Both are v2.0 paths of the same API root as the v3.0 messages; the access token and its renewal
are the same as for every call (``api.AccessTokens``).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from channels.zalo_oa.api import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_INVALID,
    AccessTokens,
    ZaloApiError,
    ZaloTransportError,
    envelope_of,
)
from core.outbound import MediaKind

IMAGE_UPLOAD = "/v2.0/oa/upload/image"
FILE_UPLOAD = "/v2.0/oa/upload/file"
IMAGE_LIMIT = 1024 * 1024  # bytes, JPG and PNG
FILE_LIMIT = 5 * 1024 * 1024  # bytes, PDF, DOC and DOCX
# What the answer names the uploaded file by, per kind.
_ID_FIELD = {MediaKind.PHOTO: "attachment_id", MediaKind.DOCUMENT: "token"}
_PATH = {MediaKind.PHOTO: IMAGE_UPLOAD, MediaKind.DOCUMENT: FILE_UPLOAD}
_LIMIT = {MediaKind.PHOTO: IMAGE_LIMIT, MediaKind.DOCUMENT: FILE_LIMIT}
_SUFFIXES = {MediaKind.PHOTO: (".jpg", ".jpeg", ".png"),
             MediaKind.DOCUMENT: (".pdf", ".doc", ".docx")}


@dataclass(frozen=True)
class FileToUpload:
    kind: MediaKind  # PHOTO or DOCUMENT
    data: bytes
    file_name: str  # neutral (ban-tin.jpg): the name shows in the group
    content_type: str


def known_refusal(file: FileToUpload) -> str | None:
    """Why Zalo would refuse ``file`` by its published limits, before spending an upload of
    the OA's monthly quota on it; None when it may go (Zalo still has the last word)."""
    if len(file.data) > _LIMIT[file.kind]:
        return f"{len(file.data)} bytes, over Zalo's {_LIMIT[file.kind]} for a {file.kind}"
    if not file.file_name.lower().endswith(_SUFFIXES[file.kind]):
        return f"Zalo takes no {file.file_name.rpartition('.')[2] or '?'} {file.kind}"
    return None


class ZaloUploads:
    def __init__(self, http: httpx.AsyncClient, api_base_url: str, tokens: AccessTokens) -> None:
        self._http = http
        self._base = api_base_url.rstrip("/")
        self._tokens = tokens

    async def upload(self, file: FileToUpload) -> str:
        """The id Zalo gave the file; :class:`ZaloApiError` when Zalo refused it (too big, not
        a type it takes, quota), :class:`ZaloTransportError` when no answer came."""
        token = await self._tokens.access_token()
        try:
            return await self._once(file, token)
        except ZaloApiError as error:
            if error.code not in (ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED):
                raise
        return await self._once(file, await self._tokens.renew(token))

    async def _once(self, file: FileToUpload, token: str) -> str:
        try:
            response = await self._http.post(
                self._base + _PATH[file.kind], headers={"access_token": token},
                files={"file": (file.file_name, file.data, file.content_type)})
        except httpx.TransportError as error:
            # An upload that may have arrived is only an unused id on Zalo's side: asking again
            # is harmless, so every transport failure counts as "never left".
            raise ZaloTransportError(f"upload: {type(error).__name__}",
                                     may_have_arrived=False) from error
        body = envelope_of(response)
        code = body.get("error", 0)
        if not isinstance(code, int) or code != 0:
            raise ZaloApiError(code if isinstance(code, int) else -1,
                               str(body.get("message", "")))
        data = body.get("data")
        found = data.get(_ID_FIELD[file.kind]) if isinstance(data, dict) else data
        if not isinstance(found, str) or not found:
            raise ZaloTransportError("upload answer without an id", may_have_arrived=False)
        return found
