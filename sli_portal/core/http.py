"""Responses every app builds the same way."""

from __future__ import annotations

from django.http import HttpResponse


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download (an export, a report, a calendar entry), never shown in the page."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
