"""The schedule as a spreadsheet: the same columns in CSV and XLSX."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import ScheduleRow

HEADERS = [
    "Council",
    "ONS code",
    "Status",
    "Last challenge",
    "Last on-site visit ended",
    "Due from",
    "Due by",
    "Next challenge",
    "Next on-site visit starts",
    "Next challenge stage",
    "Late milestones",
]


def _values(row: ScheduleRow) -> list:
    cycle, planned = row.cycle, row.planned
    last = cycle.last_challenge
    return [
        row.council.name,
        row.council.gss_code,
        cycle.status_label,
        last.get_kind_display() if last else "",
        cycle.last_visit_end,
        cycle.due_from,
        cycle.due_by,
        planned.get_kind_display() if planned else "",
        planned.onsite_start if planned else None,
        planned.get_stage_display() if planned else "",
        "; ".join(f"{milestone.label} ({challenge.get_kind_display()})" for challenge, milestone in row.late),
    ]


def _safe(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def schedule_csv(rows: list[ScheduleRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(
            ["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else _safe(v)) for v in _values(row)]
        )
    return out.getvalue()


def schedule_xlsx(rows: list[ScheduleRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Schedule"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in _values(row)])
    for column in "EFGI":
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
