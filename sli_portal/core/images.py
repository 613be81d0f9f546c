"""What kind of image a file really is, from its first bytes: an upload's name is not proof."""

from __future__ import annotations

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


def image_kind(head: bytes) -> str | None:
    """ "png" or "jpeg" (as in image/png, image/jpeg) from the file's first bytes, else None."""
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(JPEG_SIGNATURE):
        return "jpeg"
    return None
