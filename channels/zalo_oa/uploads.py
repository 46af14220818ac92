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

Both are v2.0 paths of the same API root as the v3.0 messages, asked through the same client
(``api.ZaloApi.upload``): the access token, its renewal and the envelope are those of every call.
"""

from __future__ import annotations

from dataclasses import dataclass

from channels.zalo_oa.api import ZaloApi, ZaloTransportError
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
    def __init__(self, api: ZaloApi) -> None:
        self._api = api

    async def upload(self, file: FileToUpload) -> str:
        """The id Zalo gave the file; :class:`ZaloApiError` when Zalo refused it (too big, not
        a type it takes, quota), :class:`ZaloTransportError` when no answer came (never
        "may have arrived": ``ZaloApi.upload``)."""
        data = await self._api.upload(
            _PATH[file.kind], {"file": (file.file_name, file.data, file.content_type)})
        found = data.get(_ID_FIELD[file.kind]) if isinstance(data, dict) else data
        if not isinstance(found, str) or not found:
            raise ZaloTransportError("upload answer without an id", may_have_arrived=False)
        return found
