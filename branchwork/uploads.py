"""Uploaded files: checked by content (never by name), size-limited, stored outside the
web root under a random name, and served only through views that check access.

Used by every app that takes files (meeting attachments, fulfilment evidence, visit
photos): `validate_upload` in the service before saving, `upload_path` as a FileField's
`upload_to`, `file_response` in the download view.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Bytes of an image's pixels we are willing to decode (guards against decompression bombs).
MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True)
class Detected:
    kind: str  # "image", "pdf", "document"
    content_type: str
    extension: str


def _sniff_image(head: bytes, upload: UploadedFile) -> Detected | None:
    from PIL import Image

    signatures = {
        b"\x89PNG\r\n\x1a\n": ("PNG", "image/png", ".png"),
        b"\xff\xd8\xff": ("JPEG", "image/jpeg", ".jpg"),
        b"GIF87a": ("GIF", "image/gif", ".gif"),
        b"GIF89a": ("GIF", "image/gif", ".gif"),
    }
    match = next((v for sig, v in signatures.items() if head.startswith(sig)), None)
    if match is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        match = ("WEBP", "image/webp", ".webp")
    if match is None:
        return None
    upload.seek(0)
    try:
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        with Image.open(upload) as image:
            if image.format != match[0]:
                return None
            image.verify()
    except Exception:  # Pillow raises many kinds for a broken or hostile file
        return None
    return Detected("image", match[1], match[2])


def _sniff_pdf(head: bytes, upload: UploadedFile) -> Detected | None:
    if not head.startswith(b"%PDF-"):
        return None
    upload.seek(max(0, upload.size - 1024))
    if b"%%EOF" not in upload.read():
        return None
    return Detected("pdf", "application/pdf", ".pdf")


OFFICE = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


def _sniff_office(head: bytes, upload: UploadedFile) -> Detected | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                return None
            # A zip bomb shows itself in the declared sizes before anything is inflated.
            if sum(info.file_size for info in archive.infolist()) > 200 * 1024 * 1024:
                return None
    except zipfile.BadZipFile:
        return None
    for prefix, (content_type, extension) in OFFICE.items():
        if any(name.startswith(prefix) for name in names):
            return Detected("document", content_type, extension)
    return None


SNIFFERS = {"image": _sniff_image, "pdf": _sniff_pdf, "document": _sniff_office}
KIND_LABELS = {
    "image": lambda: _("a photo (JPEG, PNG, GIF or WebP)"),
    "pdf": lambda: _("a PDF"),
    "document": lambda: _("a Word or Excel file (.docx, .xlsx)"),
}


def validate_upload(
    upload: UploadedFile, *, kinds: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> Detected:
    """What the file really is, or a translated ValidationError saying what is accepted."""
    kinds = tuple(kinds)
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s is accepted.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    try:
        for kind in kinds:
            detected = SNIFFERS[kind](head, upload)
            if detected is not None:
                return detected
    finally:
        upload.seek(0)
    accepted = "、".join(str(KIND_LABELS[kind]()) for kind in kinds)
    raise ValidationError(
        _("This file's content is not %(accepted)s.") % {"accepted": accepted},
        code="bad_type",
    )


KNOWN_EXTENSIONS = {".png", ".jpg", ".gif", ".webp", ".pdf", ".docx", ".xlsx"}


@deconstructible
class UploadPath:
    """An `upload_to` that never uses the user's file name: PREFIX/YYYY/MM/<uuid><ext>.

    Save through `stored_name(detected)` so the extension is the detected one.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        extension = PurePath(filename).suffix.lower()
        if extension not in KNOWN_EXTENSIONS:
            extension = ""
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadPath) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def stored_name(detected: Detected) -> str:
    """The name to pass to FieldFile.save(): only the detected extension survives."""
    return f"upload{detected.extension}"


def file_response(field_file: FieldFile, *, download_name: str, content_type: str) -> FileResponse:
    """Serve a stored file as a download, never inline (so never rendered as HTML).

    FileResponse writes `filename*=utf-8''…` (RFC 5987) for Chinese names.
    """
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=download_name)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# The disk (or the quota) is full, or the file is larger than the filesystem allows.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class UploadStorage(FileSystemStorage):
    """MEDIA_ROOT storage that never leaves half a file behind.

    Django's FileSystemStorage creates the file (O_EXCL, so it is ours) and writes it in
    chunks; if the disk fills up half way, the partial file would stay. Here it is removed
    and the failure becomes a ValidationError with a message for the person uploading, so
    the service stops before its database row is written.
    """

    def _save(self, name: str, content) -> str:
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in _NO_ROOM:
                raise
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path(name))
            logger.error("storage full while saving %s: %s", name, exc)
            raise ValidationError(
                _(
                    "The server's storage is full, so the file was not saved. Nothing was "
                    "changed; please tell the system administrator."
                ),
                code="storage_full",
            ) from None
