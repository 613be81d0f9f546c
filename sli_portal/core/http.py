"""Responses every app builds the same way."""

from __future__ import annotations

import logging

from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse

logger = logging.getLogger(__name__)


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download (an export, a report, a calendar entry), never shown in the page."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class StoredFileMissing(Http404):
    """A row names a file that the storage does not have: a 404 whose page says the file is not
    available (`sli_portal.pages.views.page_not_found`), not that the address is wrong."""

    def __init__(self, what: str):
        super().__init__(f"{what} is not available")
        self.what = what


def open_stored_file(fieldfile: FieldFile, *, what: str) -> File:
    """`fieldfile` opened for reading from whichever storage holds it (a folder or a bucket).

    A file the storage has lost, or never had (a host that cannot see where a worker wrote it),
    is logged as an error, for the operator, and answered with `StoredFileMissing`.
    """
    try:
        return fieldfile.open("rb")
    except FileNotFoundError:
        logger.error(
            "%s: the file %s is missing from the storage (%s)", what, fieldfile.name, type(fieldfile.storage).__name__
        )
        raise StoredFileMissing(what) from None


def stored_file_response(
    fieldfile: FieldFile, *, what: str, filename: str, content_type: str, as_attachment: bool = True
) -> FileResponse:
    """A stored file streamed to the reader, after the view has checked they may have it."""
    handle = open_stored_file(fieldfile, what=what)
    return FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
