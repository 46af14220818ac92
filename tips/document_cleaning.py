"""What a tipster's file must lose before officers see it: its name, and the author written in it.

A file sent to Telegram as a *document* reaches whoever it is copied to byte for byte, under its
own name; "Nguyen Van A - to cao.docx" names the tipster, and office files carry the author and
the last editor inside (OOXML ``docProps/core.xml`` and ``app.xml``, ODF ``meta.xml``), images
their EXIF and XMP. SPEC §3.1: nothing that identifies the tipster is shown to staff. The bot
therefore sends officers a copy under a neutral name (:func:`neutral_file_name`) whose metadata
parts are emptied where the format is one we can rewrite safely (:func:`clean_document`). Other
formats (PDF above all) keep what is written inside them; the tipster is told so before sending.

Only the metadata parts are replaced; every other part is copied unchanged, so the document
opens as before. Nothing here raises on a malformed file: it is then only renamed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from tips.exif import strip_jpeg_metadata, strip_png_metadata

NEUTRAL_STEM = "tin-bao"
_EXTENSION = re.compile(r"[a-z0-9]{1,8}")
# An archive that would inflate past this is not rewritten (only renamed): a zip bomb must not
# take the bot's memory.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # entries' times say when, and on whose machine, it was made

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>')
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>')
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties"/>')
_EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' office:version="1.2"><office:meta/></office:document-meta>')
_OOXML_METADATA = {"docProps/core.xml": _EMPTY_CORE, "docProps/app.xml": _EMPTY_APP,
                   "docProps/custom.xml": _EMPTY_CUSTOM}
_ODF_METADATA = {"meta.xml": _EMPTY_ODF_META}


@dataclass(frozen=True)
class CleanedDocument:
    data: bytes
    file_name: str
    metadata_removed: bool  # False: renamed only, what is written inside stays


def neutral_file_name(original: str | None) -> str:
    """``tin-bao.<extension>``: the kind of file stays visible, nothing else of its name."""
    suffix = PurePosixPath(original or "").suffix.lower().lstrip(".")
    return f"{NEUTRAL_STEM}.{suffix}" if _EXTENSION.fullmatch(suffix) else NEUTRAL_STEM


def clean_document(data: bytes, file_name: str | None) -> CleanedDocument:
    """The copy officers get: renamed, and without its metadata where the format allows."""
    name = neutral_file_name(file_name)
    cleaned = _without_metadata(data)
    if cleaned is None:
        return CleanedDocument(data, name, metadata_removed=False)
    return CleanedDocument(cleaned, name, metadata_removed=True)


def _without_metadata(data: bytes) -> bytes | None:
    try:
        if data.startswith(b"\xff\xd8\xff"):
            return strip_jpeg_metadata(data)
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return strip_png_metadata(data)
        if data.startswith(b"PK\x03\x04"):
            return _office_without_metadata(data)
    except (ValueError, zipfile.BadZipFile, EOFError, OSError, RuntimeError,
            NotImplementedError):
        return None  # malformed, encrypted or unsupported compression: renamed only
    return None


def _office_without_metadata(data: bytes) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = source.infolist()
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" in names:
            replacements = _OOXML_METADATA
        elif "mimetype" in names and "meta.xml" in names:
            replacements = _ODF_METADATA
        else:
            return None  # a plain zip archive: what it holds is the tipster's content
        if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
            return None
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for entry in entries:
                copy = zipfile.ZipInfo(entry.filename, date_time=_FIXED_TIME)
                copy.compress_type = entry.compress_type
                copy.external_attr = entry.external_attr
                body = replacements.get(entry.filename)
                target.writestr(copy, body if body is not None else source.read(entry))
    return out.getvalue()
