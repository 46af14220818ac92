"""Zalo's upload calls as the emulator answers them: ``POST /v2.0/oa/upload/image`` and
``POST /v2.0/oa/upload/file``, a multipart form whose ``file`` field holds the bytes, the access
token in the ``access_token`` header.

Limits as Zalo's OA documentation gives them ("Upload hình ảnh" / "Upload file" under
developers.zalo.me/docs/official-account/tin-nhan/, repeated by the TypeScript
``@warriorteam/redai-zalo-sdk`` ``MessageManagementService`` and open integrations that post to
these paths with the ``file`` field): an image is JPG or PNG of at most 1 MB and is kept on
Zalo's server at most 7 days; a file is PDF, DOC or DOCX of at most 5 MB (Zalo says nothing of
how long a file token lives: the emulator keeps it 7 days as well, the stricter reading). The
answers: ``{"error": 0, "data": {"attachment_id": …}}`` for an image, ``{"error": 0, "data":
{"token": …}}`` for a file (one public client also accepts ``data`` being the id itself: sources
disagree; the emulator answers the documented object). Zalo publishes no code for a file over
the limit or of the wrong type: the emulator answers its generic ones, -210 "Parameter outside
permitted range" for the size and -201 "… is invalid!" for the type.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from pathlib import PurePosixPath

from emulators.telegram.http import HttpRequest

from .errors import INVALID_PARAMETER, PARAMETER_OUT_OF_RANGE, ZaloError

IMAGE_UPLOAD = "/v2.0/oa/upload/image"
FILE_UPLOAD = "/v2.0/oa/upload/file"
UPLOAD_PATHS = (IMAGE_UPLOAD, FILE_UPLOAD)
IMAGE_LIMIT = 1024 * 1024
FILE_LIMIT = 5 * 1024 * 1024
UPLOAD_LIFETIME = 7 * 24 * 3600.0  # seconds

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_FILE_SUFFIXES = (".pdf", ".doc", ".docx")


def uploaded_file(request: HttpRequest) -> tuple[str, bytes]:
    """The ``file`` field of the multipart form: its file name and bytes."""
    head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
    form = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not form.is_multipart():
        raise ZaloError.of(INVALID_PARAMETER, field="file")
    for part in form.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                return part.get_filename() or "", data
    raise ZaloError.of(INVALID_PARAMETER, field="file")


def check_upload(path: str, file_name: str, data: bytes) -> None:
    """Raise what Zalo answers for a file it does not take at ``path``."""
    if path == IMAGE_UPLOAD:
        if not data.startswith((_JPEG, _PNG)):
            raise ZaloError.of(INVALID_PARAMETER, field="file type")
        if len(data) > IMAGE_LIMIT:
            raise ZaloError.of(PARAMETER_OUT_OF_RANGE, field="file size")
        return
    if PurePosixPath(file_name).suffix.lower() not in _FILE_SUFFIXES:
        raise ZaloError.of(INVALID_PARAMETER, field="file type")
    if len(data) > FILE_LIMIT:
        raise ZaloError.of(PARAMETER_OUT_OF_RANGE, field="file size")
