"""Reading an uploaded XLSX workbook without letting it take the server's memory or time.

An XLSX file is a zip of XML files, and both can be made to explode: a 1.8 MB file whose shared
string inflates to 1.8 GB, or a 0.5 MB sheet with four million empty rows. So the zip directory is
read first and a workbook is refused before openpyxl parses anything when its members would unpack
beyond `MAX_UNPACKED_BYTES` or one of them compresses more than `MAX_COMPRESSION_RATIO` to 1; then
rows are read only up to the caller's cap, whether they are empty or not.

The sizes in the zip directory can be trusted as upper bounds: `zipfile` stops reading a member at
its declared size and fails on a CRC mismatch, so a member that lies about its size cannot unpack
to more than it declares.
"""

from __future__ import annotations

import datetime
import io
import zipfile

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small members (content types, styles) may compress very well without doing any harm.
RATIO_CHECKED_FROM_BYTES = 64 * 1024

UNREADABLE = "The selected file could not be read as an XLSX spreadsheet"


def check_workbook_archive(data: bytes) -> None:
    """Refuse, with a message for the user, a workbook whose zip would unpack too far."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(UNREADABLE) from None
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise ValidationError(
            f"The selected file is too large once unpacked: a workbook must unpack to "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB or less. Save only the sheet to import and try again"
        )
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM_BYTES and (
            member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise ValidationError(
                "The selected file is not an ordinary spreadsheet: part of it is compressed more than "
                f"{MAX_COMPRESSION_RATIO} to 1. Save it again from your spreadsheet program and try again"
            )


def read_first_sheet(data: bytes, *, max_rows: int, max_columns: int, too_long: str) -> list[list]:
    """The non-empty rows of the first sheet, each cut to `max_columns` cells, or a
    ValidationError for a file that is not a readable, sane workbook.

    A sheet with a row past `max_rows`, empty or not, is refused with the message `too_long`:
    one row more than allowed is read to know that, never more, and nothing is dropped silently.
    """
    check_workbook_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            # max_row stops the parser itself: rows past it are never read, empty or not.
            for number, row in enumerate(
                sheet.iter_rows(min_row=1, max_row=max_rows + 1, max_col=max_columns, values_only=True), start=1
            ):
                if number > max_rows:
                    raise _TooManyRows
                if any(cell not in (None, "") for cell in row):
                    rows.append(list(row))
        finally:
            workbook.close()
    except _TooManyRows:
        raise ValidationError(too_long) from None
    except Exception:
        # A file that is not a workbook fails in many ways inside openpyxl and zipfile.
        raise ValidationError(UNREADABLE) from None
    return rows


class _TooManyRows(Exception):
    pass


# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    """A CSV cell's text: dates in ISO 8601, and text a spreadsheet would run as a formula kept
    as text (a leading quote, which the plan import removes again)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
