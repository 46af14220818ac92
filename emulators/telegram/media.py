"""Media in the fake: turning uploads and file ids into Telegram media objects, and ``getFile``.

Uploaded bytes (from the bot's ``sendPhoto``… or from a test user's ``send_photo``) are kept in
memory under a generated ``file_id`` so the bot can later ``getFile`` and download them through
``base_file_url``, which is how a tip's photo travels from tipster to officer.
"""

from __future__ import annotations

import mimetypes
import struct
from typing import TYPE_CHECKING, Any

from .errors import bad_request
from .params import Params

if TYPE_CHECKING:
    from .world import StoredFile, World

# kind -> (folder in file_path, default extension, default MIME type)
MEDIA_KINDS: dict[str, tuple[str, str, str | None]] = {
    "photo": ("photos", ".jpg", "image/jpeg"),
    "video": ("videos", ".mp4", "video/mp4"),
    "document": ("documents", "", None),
    "voice": ("voice", ".oga", "audio/ogg"),
    "audio": ("music", ".mp3", "audio/mpeg"),
    "animation": ("animations", ".mp4", "video/mp4"),
    "sticker": ("stickers", ".webp", "image/webp"),
    "video_note": ("video_notes", ".mp4", "video/mp4"),
}
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files on the public Bot API


def store_upload(
    world: World, kind: str, data: bytes, file_name: str | None, mime_type: str | None
) -> StoredFile:
    folder, extension, default_mime = MEDIA_KINDS[kind]
    if mime_type is None and file_name:
        mime_type = mimetypes.guess_type(file_name)[0]
    return world.store_file(
        data, folder, file_name=file_name, mime_type=mime_type or default_mime,
        extension="" if kind == "document" else extension,
    )  # fmt: skip


def input_file(world: World, p: Params, kind: str, name: str | None = None) -> StoredFile:
    """The file a send method refers to: an upload, a known ``file_id``, or a URL."""
    name = name or kind
    upload = p.file(name)
    if upload is not None:
        # PTB names byte uploads "application.octet-stream" when it has no better name.
        filename = upload.filename if upload.filename != "application.octet-stream" else None
        mime = upload.content_type if upload.content_type != "application/octet-stream" else None
        return store_upload(world, kind, upload.data, filename, mime)
    ref = p.string(name)
    if not ref:
        raise bad_request(f"there is no {kind} in the request")
    if ref in world.files:
        return world.files[ref]
    if ref.startswith(("http://", "https://")):
        return store_upload(world, kind, b"", ref.rsplit("/", 1)[-1] or None, None)
    raise bad_request("wrong file identifier/HTTP URL specified")


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG or JPEG header; a plausible default otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return 1280, 960


def _file_fields(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }


def photo_sizes(world: World, stored: StoredFile) -> list[dict[str, Any]]:
    """Telegram sends several sizes, smallest first; bots usually take the last one."""
    width, height = image_size(stored.data)
    scale = min(1.0, 90 / max(width, height, 1))
    thumb = world.store_file(stored.data, "photos", mime_type=stored.mime_type, extension=".jpg")
    small = {**_file_fields(thumb), "width": max(1, round(width * scale))}
    small["height"] = max(1, round(height * scale))
    return [small, {**_file_fields(stored), "width": width, "height": height}]


def media_object(world: World, kind: str, stored: StoredFile, **meta: Any) -> Any:
    """The Bot API object for ``kind`` (a list of sizes for photos, else a dict)."""
    if kind == "photo":
        return photo_sizes(world, stored)
    obj = _file_fields(stored)
    if kind in ("document", "audio", "video", "animation") and stored.file_name:
        obj["file_name"] = stored.file_name
    if kind != "sticker" and stored.mime_type:
        obj["mime_type"] = stored.mime_type
    if kind in ("video", "animation"):
        obj.update(width=meta.get("width") or 640, height=meta.get("height") or 360)
    if kind in ("video", "animation", "voice", "audio", "video_note"):
        obj["duration"] = meta.get("duration") or 1
    if kind == "video_note":
        obj["length"] = meta.get("length") or 240
    if kind == "audio":
        obj.update({k: meta[k] for k in ("performer", "title") if meta.get(k)})
    if kind == "sticker":
        obj.update(width=512, height=512, is_animated=False, is_video=False, type="regular")
        if meta.get("emoji"):
            obj["emoji"] = meta["emoji"]
    return obj


async def get_file(world: World, p: Params) -> dict[str, Any]:
    file_id = p.string("file_id")
    stored = world.files.get(file_id or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.to_dict()


METHODS = {"getFile": get_file}
