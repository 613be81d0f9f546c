"""Evidence files: which kinds are accepted, and a check that the content is what the name says.

A file is accepted when its extension is allowed, its first bytes match that extension (so a
renamed executable or HTML page is refused) and it is at most 10 MB.
"""

from __future__ import annotations

import os
import zipfile

from django.core.exceptions import ValidationError

from sli_portal.core.images import JPEG_SIGNATURE, PNG_SIGNATURE

MAX_SIZE = 10 * 1024 * 1024

# Extension → (content type served, the folder an Office Open XML package must hold or None).
KINDS = {
    ".pdf": ("application/pdf", None),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"),
    ".png": ("image/png", None),
    ".jpg": ("image/jpeg", None),
    ".jpeg": ("image/jpeg", None),
}
ALLOWED = "PDF, DOCX, XLSX, PPTX, PNG or JPG"

_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (PNG_SIGNATURE,),
    ".jpg": (JPEG_SIGNATURE,),
    ".jpeg": (JPEG_SIGNATURE,),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
}


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def content_type(name: str) -> str:
    return KINDS.get(extension(name), ("application/octet-stream", None))[0]


def _is_office_package(file, folder: str) -> bool:
    """Reads only the ZIP's directory (never extracts), so a zip bomb costs nothing."""
    try:
        with zipfile.ZipFile(file) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def validate_evidence_file(file) -> None:
    """Raise ValidationError unless `file` (an UploadedFile) is an allowed kind, true to its
    name, and small enough."""
    ext = extension(file.name)
    if ext not in KINDS:
        raise ValidationError(f"The selected file must be a {ALLOWED}", code="file_type")
    if file.size > MAX_SIZE:
        raise ValidationError("The selected file must be smaller than 10 MB", code="file_size")
    if file.size == 0:
        raise ValidationError("The selected file is empty", code="file_empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    folder = KINDS[ext][1]
    matches = any(head.startswith(magic) for magic in _MAGIC[ext])
    if matches and folder:
        matches = _is_office_package(file, folder)
        file.seek(0)
    if not matches:
        raise ValidationError(
            f"The selected file is not a real {ext[1:].upper()} file: its content does not match its name",
            code="file_content",
        )
