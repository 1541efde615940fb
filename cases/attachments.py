"""Uploaded case documents: what is accepted, how it is recognised, where it is kept.

The type is read from the content, never from the browser's claim or the file name alone:
a PDF starts with %PDF-, PNG and JPEG with their signatures, and the office formats are ZIP
files with a known inner structure. The file name's extension must match what was found,
so that an HTML page renamed to .png is refused. Nothing here needs libmagic.

Stored bytes are Fernet-encrypted under settings.PRIVATE_MEDIA_ROOT/cases with a random
name; the original name is kept, sanitised, for display and download only.
"""

import io
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from common.crypto import decrypt_bytes, encrypt_bytes

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

EXTENSIONS = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
    ODT: {".odt"},
}
MAX_NAME_LENGTH = 150


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    display_name: str


def detect_content_type(content: bytes) -> str | None:
    """The accepted type that the bytes really are, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    return None


def _office_type(content: bytes) -> str | None:
    # Only the directory and the tiny "mimetype" member are read: nothing is unpacked.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                if archive.read("mimetype").strip() == ODT.encode():
                    return ODT
    except (zipfile.BadZipFile, KeyError, ValueError, RuntimeError, NotImplementedError):
        return None
    return None


def sanitise_name(name: str) -> str:
    """A harmless display name: no directories, no control or format characters, bounded length."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        suffix = Path(name).suffix[:10]
        name = name[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return name or "document"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Read and check an upload; raises ValidationError with a message for the user."""
    limit = settings.LIAISON_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is too big: at most %(limit)s is allowed.") % {"limit": filesizeformat(limit)}, code="size"
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("The file is too big: at most %(limit)s is allowed.") % {"limit": filesizeformat(limit)}, code="size"
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = detect_content_type(content)
    if content_type is None:
        raise ValidationError(
            _("This type of file is not accepted. Upload a PDF, a PNG or JPEG image, or a DOCX, XLSX or ODT document."),
            code="type",
        )
    display_name = sanitise_name(upload.name or "")
    if Path(display_name).suffix.lower() not in EXTENSIONS[content_type]:
        raise ValidationError(_("The file's content does not match its name's extension."), code="extension")
    return CheckedFile(content=content, content_type=content_type, display_name=display_name)


def storage_dir() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "cases"


def new_stored_name() -> str:
    return secrets.token_hex(24)


def write_encrypted(stored_name: str, content: bytes) -> None:
    directory = storage_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / stored_name
    # "x": never overwrite; the random name makes a clash practically impossible.
    with open(path, "xb") as handle:
        handle.write(encrypt_bytes(content))
    path.chmod(0o600)


def read_decrypted(stored_name: str) -> bytes:
    return decrypt_bytes((storage_dir() / stored_name).read_bytes())


def remove_stored(stored_name: str) -> None:
    (storage_dir() / stored_name).unlink(missing_ok=True)
